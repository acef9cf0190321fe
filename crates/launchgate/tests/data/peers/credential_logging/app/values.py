import getpass
import logging
import os

log = logging.getLogger(__name__)


def own_logger():
    return log


def rotate(vault):
    entered = getpass.getpass("new password: ")
    print(entered)  # expect: OBS-014
    logging.root.warning("rotating %s", vault.read_secret())  # expect: OBS-014
    own_logger().info("secret %s", vault.secret)  # expect: OBS-014
    log.debug("environment %s", os.environ)  # expect: OBS-014
    print(os.environ.copy())  # expect: OBS-014
    print(list(os.environ.items()))  # expect: OBS-014
    print(list(os.environ.keys()))  # ok: OBS-014

    context = {"secret": vault.secret, "vault": vault.name}
    log.info("rotated", extra=context)  # expect: OBS-014
    labels = {"vault": vault.name}
    log.info("rotated", extra=labels)  # ok: OBS-014

    fingerprint = hash_secret(vault.secret)
    log.info("rotated %s", fingerprint)  # ok: OBS-014
    log.info("rotated", extra={"secret": hash_secret(vault.secret)})  # ok: OBS-014
    log.info("home %s", os.environ.get("HOME"))  # ok: OBS-014
    log.info("cursor %s", vault.cursor_token)  # ok: OBS-014
