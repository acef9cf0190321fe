import logging

log = logging.getLogger(__name__)

DEFAULT_PASSWORD = "changeme"


def describe(account):
    log.info("default %s", DEFAULT_PASSWORD)  # ok: OBS-014
    token = "anonymous"
    log.info("using %s", token)  # ok: OBS-014
    log.info("password %s", "set" if account.password else "unset")  # ok: OBS-014
    print("has a password" if account.password else "no password")  # ok: OBS-014
    log.info("login", extra={"password": "***"})  # ok: OBS-014
    log.info("password %s", account.password if account.password else "-")  # expect: OBS-014
    secret = f"{account.secret}"
    log.info("secret %s", secret)  # expect: OBS-014
    auth = account.headers["Authorization"]
    if not auth:
        auth = "anonymous"
    log.info("calling with %s", auth)  # expect: OBS-014
