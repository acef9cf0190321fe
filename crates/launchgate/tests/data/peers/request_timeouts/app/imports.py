import requests as rq
from requests import get, post


def aliased(url):
    rq.get(url)  # expect: SAF-002
    rq.post(url, json={}, timeout=3)  # ok: SAF-002


def imported(url):
    get(url)  # expect: SAF-002
    post(url, data="x", verify=False)  # expect: SAF-002
    get(url, timeout=2)  # ok: SAF-002


def from_settings(url, settings):
    requests_timeout = settings.get("timeout", 5)
    return rq.get(url, timeout=requests_timeout)  # ok: SAF-002
