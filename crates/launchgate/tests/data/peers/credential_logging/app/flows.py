import hashlib
import logging

log = logging.getLogger(__name__)


def sign_in(request, user):
    pw = request.form["password"]
    log.info("sign-in attempt with %s", pw)  # expect: OBS-014
    key = user.api_key
    log.debug(key)  # expect: OBS-014
    obfuscated_password = hashlib.sha256(pw.encode()).hexdigest()
    log.info("stored %s", obfuscated_password)  # ok: OBS-014
    digest = hashlib.sha256(key.encode()).hexdigest()
    log.info("key digest %s", digest)  # ok: OBS-014
    name = user.username
    log.info("signed in %s", name)  # ok: OBS-014
