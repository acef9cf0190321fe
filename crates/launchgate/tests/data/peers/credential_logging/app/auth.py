import hashlib
import logging

logger = logging.getLogger(__name__)


def login(user, password, token, api_key, request, card):
    logging.info(password)  # expect: OBS-014
    logger.info("password: %s", password)  # expect: OBS-014
    logger.debug("login %s with %s", user.name, password)  # expect: OBS-014
    logger.info(f"token={token}")  # expect: OBS-014
    logger.warning("key " + api_key)  # expect: OBS-014
    logger.info("user {} secret {}".format(user.name, user.secret))  # expect: OBS-014
    logger.error("auth failed", extra={"password": password})  # expect: OBS-014
    logger.info("headers: %s", request.headers["Authorization"])  # expect: OBS-014
    logger.info("charging card %s", card.card_number)  # expect: OBS-014
    logger.info("ssn %s", user.ssn)  # expect: OBS-014
    logger.info("private key %s", user.private_key)  # expect: OBS-014
    logger.info("credentials %s", user.credentials)  # expect: OBS-014
    logging.warning("passwd=%s", user.passwd)  # expect: OBS-014
    print("password is", password)  # expect: OBS-014


def safe(user, password, token):
    logger.info("password reset for %s", user.name)  # ok: OBS-014
    logger.info("login attempt for user %s", user.username)  # ok: OBS-014
    logger.info("password changed for user id %d", user.id)  # ok: OBS-014
    logger.info("hash %s", user.password_hash)  # ok: OBS-014
    logger.info("token expires at %s", user.token_expiry)  # ok: OBS-014
    logger.info("password length %d", len(password))  # ok: OBS-014
    logger.info("digest %s", hashlib.sha256(token.encode()).hexdigest())  # ok: OBS-014
    logger.info("token %s", mask(token))  # ok: OBS-014
    logger.info("is_valid %s", user.password_is_valid)  # ok: OBS-014
    logger.info("invalid password")  # ok: OBS-014
    logger.debug("token count %d", user.token_count)  # ok: OBS-014
    print("password reset sent to user", user.id)  # ok: OBS-014


def mask(value):
    return value[:2] + "***"


def more(user, pwd, creds, api_token, token_id, password):
    logging.info("Password: " + password)  # expect: OBS-014
    logger.debug("%s", password)  # expect: OBS-014
    logger.info("Login: user=%s pass=%s", user.name, pwd)  # expect: OBS-014
    logger.info(f"{password=}")  # expect: OBS-014
    logging.info("credentials: {}".format(creds))  # expect: OBS-014
    logger.exception("refresh failed for %s", api_token)  # expect: OBS-014
    print(f"Password: {password}")  # expect: OBS-014

    logger.info("User %s changed their password", user.name)  # ok: OBS-014
    logger.info("secret rotated at %s", user.rotated_at)  # ok: OBS-014
    logger.info("token %s revoked", token_id)  # ok: OBS-014
    logger.info("api key id %s", user.api_key_id)  # ok: OBS-014
    print("Enter your password:")  # ok: OBS-014
