import requests
import not_requests

requests.get("https://example.com", timeout=None)  # expect: SAF-002
requests.head("https://example.com")  # expect: SAF-002
requests.get("https://example.com", timeout=5)  # ok: SAF-002
not_requests.get("https://example.com")  # ok: SAF-002
