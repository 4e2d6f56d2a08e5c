"""The timestamped webhook signature, checked with the very code the README gives to receivers."""
import re
import time
from pathlib import Path

import pytest

from app.webhooks.sender import deliver_due
from app.webhooks.services import create_webhook
from app.webhooks.transport import signature_header
from tests.test_api_support import (  # noqa: F401  (fixtures)
    _join_background_sends, manual, publish, receiver, verify,
)

SECRET = "a-shared-secret-of-some-length"
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def app_config(app_config):
    """The receiver listens on 127.0.0.1."""
    return {**app_config, "ACCORD_WEBHOOK_ALLOW_PRIVATE": True}


@pytest.fixture(scope="module")
def is_from_accord():
    """The verification function from the README's section for tool authors, run as written."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("**Webhooks.**"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102  (our own documentation)
    return namespace["is_from_accord"]


@pytest.fixture
def delivery(manual, make_user, receiver):
    """One real delivery as the receiver got it, and the clock around its sending."""
    create_webhook(receiver.url, SECRET)
    publish(make_user)
    before = int(time.time())
    assert deliver_due() == 1
    after = int(time.time())
    request = receiver.next()
    headers = {k.lower(): v for k, v in request["headers"].items()}
    return request["body"], headers, before, after


def test_the_signature_header_carries_a_timestamp(delivery):
    body, headers, before, after = delivery
    match = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", headers["x-accord-signature"])
    assert match and before <= int(match.group(1)) <= after
    assert headers["x-accord-signature"] == signature_header(SECRET, body, int(match.group(1)))


def test_the_readme_snippet_accepts_a_real_delivery(delivery, is_from_accord):
    body, headers, _, _ = delivery
    assert is_from_accord(SECRET, body, headers["x-accord-signature"])


def test_the_readme_snippet_refuses_a_forgery(delivery, is_from_accord):
    body, headers, _, _ = delivery
    header = headers["x-accord-signature"]
    sent, signature = re.fullmatch(r"t=(\d+),v1=(\w+)", header).groups()
    assert not is_from_accord("another secret of some length", body, header)
    assert not is_from_accord(SECRET, body.replace(b"1.0.0", b"9.9.9"), header)
    assert not is_from_accord(SECRET, body, f"t={int(sent) + 1},v1={signature}"), "a new timestamp, old signature"
    assert not is_from_accord(SECRET, body, f"v1={signature}")
    assert not is_from_accord(SECRET, body, "")


@pytest.mark.parametrize("later, accepted", [(60, True), (299, True), (301, False), (3600, False), (-301, False)])
def test_the_readme_snippet_refuses_a_replay_after_five_minutes(delivery, is_from_accord, monkeypatch, later,
                                                                accepted):
    body, headers, _, _ = delivery
    sent = int(re.match(r"t=(\d+)", headers["x-accord-signature"]).group(1))
    monkeypatch.setattr(time, "time", lambda: sent + later)
    assert is_from_accord(SECRET, body, headers["x-accord-signature"]) is accepted


def test_the_deprecated_body_signature_is_still_sent(delivery):
    body, headers, _, _ = delivery
    assert verify(SECRET, body, headers["x-accord-signature-256"])


def test_openapi_describes_both_headers(client, login_as):
    spec = login_as("reader").get("/api/v1/openapi.json").json
    headers = {p["name"]: p for p in spec["webhooks"]["slaPublished"]["post"]["parameters"]}
    assert "t=<unix seconds>,v1=" in headers["X-Accord-Signature"]["description"]
    assert headers["X-Accord-Signature-256"]["deprecated"] is True
