import requests
import urllib.request
from urllib.request import urlopen

TIMEOUT = 5
WITH_TIMEOUT = {"timeout": 3, "headers": {"accept": "application/json"}}
WITHOUT_TIMEOUT = {"headers": {"accept": "application/json"}}


def verbs(url, data):
    requests.get(url)  # expect: SAF-002
    requests.post(url, data=data)  # expect: SAF-002
    requests.put(url, data=data)  # expect: SAF-002
    requests.patch(url, data=data)  # expect: SAF-002
    requests.delete(url)  # expect: SAF-002
    requests.head(url)  # expect: SAF-002
    requests.options(url)  # expect: SAF-002
    requests.request("GET", url)  # expect: SAF-002
    requests.get(url, timeout=None)  # expect: SAF-002
    requests.post(url, json=data, timeout=None, verify=True)  # expect: SAF-002


def bounded(url, data, limit):
    requests.get(url, timeout=5)  # ok: SAF-002
    requests.post(url, data=data, timeout=TIMEOUT)  # ok: SAF-002
    requests.put(url, data=data, timeout=limit)  # ok: SAF-002
    requests.get(url, timeout=(3.05, 27))  # ok: SAF-002
    requests.request("POST", url, timeout=10)  # ok: SAF-002
    requests.delete(url, timeout=2.5)  # ok: SAF-002


def spread(url):
    requests.get(url, **WITH_TIMEOUT)  # ok: SAF-002
    requests.get(url, **WITHOUT_TIMEOUT)  # expect: SAF-002
    requests.get(url, **{"timeout": 4})  # ok: SAF-002
    requests.post(url, **dict(timeout=4))  # ok: SAF-002


def sessions(url):
    s = requests.Session()
    s.get(url)  # expect: SAF-002
    s.get(url, timeout=3)  # ok: SAF-002
    with requests.Session() as session:
        session.post(url, json={})  # expect: SAF-002
        session.post(url, json={}, timeout=8)  # ok: SAF-002
    requests.Session().get(url)  # expect: SAF-002


def with_urllib(url):
    urllib.request.urlopen(url)  # expect: SAF-002
    urlopen(url)  # expect: SAF-002
    urlopen(url, timeout=10)  # ok: SAF-002
    urllib.request.urlopen(url, None, 10)  # ok: SAF-002
