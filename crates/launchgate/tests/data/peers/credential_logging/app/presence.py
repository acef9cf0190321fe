import logging

log = logging.getLogger(__name__)


def report(client, token, settings, path, elapsed, cookies, address):
    key_tail = api_key_tail(client.api_key)
    log.info("api-key=%s saved to %s", key_tail, path)  # ok: OBS-014
    log.info("token loaded from %s", settings.token_path)  # ok: OBS-014
    log.info("no token yet, waited %ss", elapsed)  # ok: OBS-014
    log.info("got the token and %s cookies", len(cookies))  # ok: OBS-014
    log.info("token request refused for %s", address)  # ok: OBS-014
    log.info("token set: %s", token is not None)  # ok: OBS-014
    log.info("token missing: %s", not token)  # ok: OBS-014
    log.info("token %s", token[-4:])  # ok: OBS-014
    log.info("token %s", token[:4])  # ok: OBS-014
    log.info("token %s", token[:16])  # expect: OBS-014
    log.info("using %s", token[4:])  # expect: OBS-014
    log.info("token %s", token or "none")  # expect: OBS-014
