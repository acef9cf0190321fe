import logging
import sys


def report(password, secret_name, api_token):
    logging.info("The password is %s", password)  # expect: OBS-014
    sys.stdout.write(password)  # expect: OBS-014
    sys.stderr.write("token: " + api_token + "\n")  # expect: OBS-014

    logging.info("The secret named %s was rotated", secret_name)  # ok: OBS-014
    sys.stdout.write("password changed\n")  # ok: OBS-014


def placeholders(user):
    logging.info("Password=%s", "*****")  # ok: OBS-014
    logging.info("token length %d for %s", 32, user.name)  # ok: OBS-014
