import logging

logger = logging.getLogger(__name__)


def handshake(session):
    logger.info("csrf token %s", session.csrf_token)  # nosemgrep: python-logger-credential-disclosure  # ok: OBS-014
    logger.info("session token %s", session.token)  # nosemgrep: some-other-rule  # expect: OBS-014
