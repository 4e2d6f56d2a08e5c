"""Webhooks reach public addresses only: checked at registration, and after DNS on every delivery."""
import socket

import pytest
from sqlalchemy import func, select

from app.models import Webhook
from app.webhooks import addresses
from app.webhooks.addresses import FORBIDDEN
from app.webhooks.sender import deliver_due
from app.webhooks.services import WebhookError, create_webhook, url_problem
from tests.test_api_support import (  # noqa: F401  (fixtures)
    Receiver, _join_background_sends, deliveries, manual, publish, receiver,
)

SECRET = "a-shared-secret-of-some-length"
REFUSED = [
    "http://127.0.0.1/", "http://127.1/", "http://0x7f000001/", "http://2130706433/", "http://0177.0.0.1/",
    "http://0x7f.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::127.0.0.1]/", "http://localhost/",
    "http://LOCALHOST./", "http://api.localhost/", "http://１２７.０.０.１/", "http://0.0.0.0/", "http://[::]/",
    "http://10.0.0.5/", "http://172.16.3.4/", "http://192.168.1.10:6379/", "http://169.254.169.254/latest/",
    "http://metadata.google.internal/", "http://[fd00:ec2::254]/", "http://100.100.100.200/", "http://100.64.0.1/",
    "http://192.0.0.192/", "http://[fe80::1]/", "http://224.0.0.1/", "http://255.255.255.255/",
    "http://240.0.0.1/", "http://[ff02::1]/", "http://[2002:7f00:1::]/", "http://[64:ff9b::a00:1]/",
    "http://198.18.0.1/",
]
ACCEPTED = ["https://hooks.example.com/accord", "http://8.8.8.8/", "https://[2606:4700:4700::1111]/x",
            "https://1e100.net/", "https://0xdeadbeef.example.com/", "http://[64:ff9b::808:808]/"]


@pytest.mark.parametrize("url", REFUSED)
def test_internal_addresses_are_refused_however_spelt(url):
    assert url_problem(url) == FORBIDDEN
    assert url_problem(url, allow_private=True) is None


@pytest.mark.parametrize("url", ACCEPTED)
def test_public_addresses_and_names_are_accepted(url):
    assert url_problem(url) is None


@pytest.mark.parametrize("url", ["http://127.1:6379/", "http://[::1]/", "http://localhost:5432/",
                                 "http://169.254.169.254/latest/meta-data/"])
def test_the_admin_form_refuses_internal_addresses(login_as, db, url):
    response = login_as("admin").post("/admin/webhooks", data={"url": url, "secret": ""})
    assert response.status_code == 400
    assert "Webhooks go to public addresses only" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 0


@pytest.mark.parametrize("allowed", [False, True])
def test_the_admin_page_states_the_rule(app, login_as, allowed):
    app.config["ACCORD_WEBHOOK_ALLOW_PRIVATE"] = allowed
    page = login_as("admin").get("/admin/webhooks").get_data(as_text=True)
    assert ("Only public addresses can receive webhooks" in page) is not allowed


def test_the_service_refuses_them_too(app):
    with pytest.raises(WebhookError, match="public addresses only"):
        create_webhook("http://0x7f000001:8080/hook", SECRET)


def test_an_operator_may_allow_private_receivers(app, login_as, db):
    app.config["ACCORD_WEBHOOK_ALLOW_PRIVATE"] = True
    response = login_as("admin").post("/admin/webhooks", data={"url": "http://10.0.0.5/hook", "secret": ""})
    assert response.status_code == 200
    assert db.session.scalar(select(Webhook.url)) == "http://10.0.0.5/hook"


# --- at connect time -----------------------------------------------------------------------

@pytest.fixture
def resolver(monkeypatch):
    """Make chosen names resolve to chosen addresses, and count every lookup of them."""
    real, names, lookups = socket.getaddrinfo, {}, []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            lookups.append(host)
            return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     (ip, port, 0, 0) if ":" in ip else (ip, port)) for ip in names[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(addresses.socket, "getaddrinfo", getaddrinfo)
    return names, lookups


def _registered(db, url: str) -> Webhook:
    """A webhook row as an older release, or a name that resolved elsewhere, left it."""
    hook = Webhook(url=url, secret=SECRET, active=True)
    db.session.add(hook)
    db.session.commit()
    return hook


def test_a_stored_internal_address_is_refused_when_sending(manual, db, make_user, receiver, login_as):
    _registered(db, receiver.url)
    publish(make_user)
    assert deliver_due() == 1
    assert receiver.received() == [], "nothing reached the internal receiver"
    (row,) = deliveries()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.attempt_log[0].status_code is None and row.attempt_log[0].error == "Not sent: " + FORBIDDEN
    page = login_as("admin").get("/admin/webhooks").get_data(as_text=True)
    assert "Not sent: Webhooks go to public addresses only" in page


@pytest.mark.parametrize("answers", [["127.0.0.1"], ["93.184.215.14", "10.1.2.3"], ["::1"]])
def test_a_name_that_resolves_inward_is_refused_after_dns(manual, db, make_user, receiver, resolver, answers):
    names, lookups = resolver
    port = receiver.url.split(":")[2].split("/")[0]
    names["hooks.example.com"] = answers
    create_webhook(f"http://hooks.example.com:{port}/hooks/accord", SECRET)  # a public-looking name is accepted
    publish(make_user)
    assert deliver_due() == 1
    assert receiver.received() == []
    assert deliveries()[0].attempt_log[0].error == "Not sent: " + FORBIDDEN
    assert lookups == ["hooks.example.com"]


def test_the_connection_goes_to_the_address_that_was_checked(manual, app, db, make_user, receiver, resolver):
    """One lookup per attempt, and the socket connects to its answer: a second, different answer
    (DNS rebinding) is never asked for. Allowed here only so the test's receiver can answer."""
    app.config["ACCORD_WEBHOOK_ALLOW_PRIVATE"] = True
    names, lookups = resolver
    names["hooks.example.com"] = ["127.0.0.1"]
    port = receiver.url.split(":")[2].split("/")[0]
    create_webhook(f"http://hooks.example.com:{port}/hooks/accord", SECRET)
    publish(make_user)
    assert deliver_due() == 1
    request = receiver.next()
    assert request["headers"]["Host"] == f"hooks.example.com:{port}"
    assert lookups == ["hooks.example.com"]
    assert deliveries()[0].status == "delivered"

