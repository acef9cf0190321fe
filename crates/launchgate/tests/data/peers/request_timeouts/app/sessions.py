import requests
from requests.adapters import HTTPAdapter


class TimeoutSession(requests.Session):
    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", 5)
        return super().request(method, url, **kwargs)


class TimeoutAdapter(HTTPAdapter):
    def send(self, request, **kwargs):
        kwargs["timeout"] = kwargs.get("timeout") or 5
        return super().send(request, **kwargs)


def subclassed(url):
    s = TimeoutSession()
    return s.get(url)  # ok: SAF-002


def adapted(url):
    s = requests.Session()
    s.mount("https://", TimeoutAdapter())
    return s.get(url)  # ok: SAF-002


def retried(url):
    s = requests.Session()
    s.mount("https://", HTTPAdapter(max_retries=3))
    return s.get(url)  # expect: SAF-002


SHARED = requests.Session()


def reused(url):
    return SHARED.get(url, timeout=4)  # ok: SAF-002
