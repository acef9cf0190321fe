import logging
import os
from pprint import pprint

import keyring

log = logging.getLogger(__name__)


def connect(settings, vault, user, email, session_id):
    stored = keyring.get_password("billing", user)
    log.debug("using %s", stored)  # expect: OBS-014
    log.debug("using %s", keyring.get_password("billing", user))  # expect: OBS-014
    log.info("signing with %s", vault.read_secret("billing/signing"))  # expect: OBS-014
    log.info("issued %s", generate_token(user))  # expect: OBS-014
    log.info("db %s", os.getenv("BILLING_DB_PASSWORD"))  # expect: OBS-014
    log.info("db %s", os.getenv("BILLING_DB_PASSWORD", ""))  # expect: OBS-014
    log.info("connecting to %s", settings.DATABASE_URL)  # expect: OBS-014
    log.info("connecting to %s", redacted_database_url(settings))  # ok: OBS-014
    log.info("key %s", settings.encryption_key)  # expect: OBS-014
    log.info("key %s", settings.decryption_key)  # expect: OBS-014
    log.info("key %s", encrypted_key)  # ok: OBS-014
    pprint(settings.client_secret)  # expect: OBS-014
    pprint({"region": settings.region})  # ok: OBS-014
    log.info("user %s", get_user_by_email(email))  # ok: OBS-014
    log.info("session %s", find_session_for_token(session_id))  # ok: OBS-014
    log.info("tokens %s", get_token_count(user))  # ok: OBS-014
    log.info("valid %s", verify_password(user, stored))  # ok: OBS-014
    log.info("home %s", os.getenv("HOME"))  # ok: OBS-014
