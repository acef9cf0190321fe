"""Post-deploy smoke suite: run by CI against the staging server after every rollout.

    LAUNCHGATE_URL=https://launchgate.staging.internal LAUNCHGATE_TOKEN=... \
        pytest smoke --junitxml=reports/e2e/smoke.xml
"""

import os
import uuid

import requests

URL = os.environ["LAUNCHGATE_URL"].rstrip("/")
TOKEN = os.environ["LAUNCHGATE_TOKEN"]
REVIEW = {
    "service": "smoke-test",
    "owner": "team-platform",
    "decision": "go",
    "computed_decision": "go",
    "evaluated_on": "2026-12-04",
    "content_hash": "0" * 64,
    "score": 100.0,
    "checks": [],
}


def test_ready():
    assert requests.get(f"{URL}/readyz", timeout=5).status_code == 200


def test_publish_without_a_token_is_refused():
    answer = requests.post(f"{URL}/api/v1/reviews", json=REVIEW, timeout=10)
    assert answer.status_code == 401


def test_publish_is_stored_once_and_read_back():
    headers = {"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": f"smoke-{uuid.uuid4()}"}
    first = requests.post(f"{URL}/api/v1/reviews", json=REVIEW, headers=headers, timeout=10)
    assert first.status_code == 201
    again = requests.post(f"{URL}/api/v1/reviews", json=REVIEW, headers=headers, timeout=10)
    assert again.status_code == 200 and again.json()["seq"] == first.json()["seq"]
    stored = requests.get(f"{URL}/api/v1/reviews/{first.json()['seq']}", headers=headers, timeout=10)
    assert stored.json()["review"]["service"] == "smoke-test"


def test_metrics_are_exposed():
    body = requests.get(f"{URL}/metrics", timeout=5).text
    assert "launchgate_reviews_published_total" in body
