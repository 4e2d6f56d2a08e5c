"""Webhooks against a real HTTP server on 127.0.0.1: outbox, signature, retries, rollback, admin, CLI."""
import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app.models import AuditEvent, Version, Webhook, WebhookAttempt, WebhookDelivery
from app.models.base import utcnow
from app.versions.services import approve_version, submit_version
from app.webhooks.sender import LEASE, MAX_ATTEMPTS, claim_due, deliver_due, wait_for_background
from app.webhooks.services import create_webhook, url_problem
from tests.factories import make_draft
from tests.test_api_support import (  # noqa: F401  (fixtures)
    Receiver, _join_background_sends, deliveries, manual, publish, receiver, sla_entries, verify,
)

SECRET = "a-shared-secret-of-some-length"


@pytest.fixture
def app_config(app_config):
    """Receivers here listen on 127.0.0.1, which webhooks reach only when allowed; publishing sends at once."""
    return {**app_config, "ACCORD_WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOKS_DELIVER_AFTER_PUBLISH": True}


@pytest.mark.parametrize("url, ok", [
    ("https://hooks.example.com/accord", True), ("http://8.8.8.8:8080/x?y=1", True),
    ("ftp://example.com/x", False), ("javascript:alert(1)", False), ("https://", False), ("example.com/x", False),
    ("https://exa mple.com", False), ("https://user:pw@example.com/", False), ("http://example.com:99999/", False),
    ("", False), ("https://example.com/" + "x" * 2000, False), ("https://example.com/\x00", False),
])
def test_only_http_and_https_urls_are_accepted(url, ok):
    assert (url_problem(url) is None) is ok


def test_publishing_writes_one_outbox_row_per_active_webhook(manual, db, make_user):
    manual.config["ACCORD_BASE_URL"] = "https://accord.example.com"
    first, _ = create_webhook("https://one.example.com/hook", SECRET)
    second, _ = create_webhook("https://two.example.com/hook", SECRET)
    inactive, _ = create_webhook("https://off.example.com/hook", SECRET)
    inactive.active = False
    db.session.commit()
    version = publish(make_user)
    rows = deliveries()
    assert [r.webhook_id for r in rows] == [first.id, second.id]
    assert {r.status for r in rows} == {"pending"} and len({r.delivery_id for r in rows}) == 2
    assert json.loads(rows[0].payload) == {
        "event": "sla.published", "version": "1.0.0", "sha256": version.sha256,
        "url": "https://accord.example.com/api/v1/sla/versions/1.0.0"}


def test_without_a_base_url_the_request_host_is_used(manual, app, db, make_user):
    create_webhook("https://one.example.com/hook", SECRET)
    with app.test_request_context(base_url="https://portal.example.org"):
        publish(make_user)
    assert json.loads(deliveries()[0].payload)["url"] == "https://portal.example.org/api/v1/sla/versions/1.0.0"


def test_after_commit_the_receiver_gets_a_signed_post(app, db, make_user, receiver):
    hook, _ = create_webhook(receiver.url, SECRET)
    version = publish(make_user)
    request = receiver.next()
    assert request["path"] == "/hooks/accord"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["content-type"] == "application/json"
    assert headers["x-accord-event"] == "sla.published"
    assert verify(SECRET, request["body"], headers["x-accord-signature-256"]), "the deprecated header"
    assert json.loads(request["body"])["sha256"] == version.sha256
    wait_for_background()
    db.session.expire_all()
    (row,) = deliveries()
    assert headers["x-accord-delivery"] == row.delivery_id
    assert (row.status, row.attempts) == ("delivered", 1)
    assert [(a.status_code, a.error) for a in row.attempt_log] == [(204, None)]


def test_a_500_is_logged_and_retried_after_a_minute(manual, db, make_user):
    server = Receiver(statuses=[500, 200])
    try:
        create_webhook(server.url, SECRET)
        publish(make_user)
        now = utcnow()
        assert deliver_due(now) == 1
        (row,) = deliveries()
        assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, now + timedelta(minutes=1))
        assert [(a.status_code, a.error) for a in row.attempt_log] == [(500, "HTTP 500 Internal Server Error")]
        assert deliver_due(now + timedelta(seconds=30)) == 0, "not before the backoff"
        assert deliver_due(now + timedelta(seconds=61)) == 1
        db.session.refresh(row)
        assert (row.status, row.attempts) == ("delivered", 2)
        first, second = server.next(), server.next()
        assert first["headers"]["X-Accord-Delivery"] == second["headers"]["X-Accord-Delivery"] == row.delivery_id
        assert first["body"] == second["body"]
    finally:
        server.close()


def test_backoff_doubles_from_one_to_32_minutes_then_gives_up(manual, db, make_user):
    server = Receiver(statuses=[503] * 20)
    try:
        create_webhook(server.url, SECRET)
        publish(make_user)
        moment, delays = utcnow(), []
        for _ in range(MAX_ATTEMPTS):
            assert deliver_due(moment) == 1
            row = deliveries()[0]
            if row.status == "pending":
                delays.append(round((row.next_attempt_at - moment).total_seconds() / 60))
                moment = row.next_attempt_at
        assert delays == [1, 2, 4, 8, 16, 32]
        assert (row.status, row.attempts, len(row.attempt_log)) == ("failed", 7, 7)
        assert deliver_due(moment + timedelta(days=1)) == 0
    finally:
        server.close()


def test_a_slow_receiver_times_out_and_is_retried(manual, db, make_user):
    manual.config["WEBHOOK_TIMEOUT_SECONDS"] = 0.5
    server = Receiver(delay=2)
    try:
        create_webhook(server.url, SECRET)
        publish(make_user)
        deliver_due()
        (row,) = deliveries()
        (attempt,) = row.attempt_log
        assert attempt.status_code is None and "timed out" in attempt.error
        assert row.status == "pending" and row.next_attempt_at > utcnow()
        assert 400 <= attempt.duration_ms < 2000
    finally:
        server.close()


@pytest.mark.parametrize("status", [302, 404])
def test_redirects_and_client_errors_are_failures(manual, db, make_user, status):
    server = Receiver(statuses=[status])
    try:
        create_webhook(server.url, SECRET)
        publish(make_user)
        deliver_due()
        (row,) = deliveries()
        assert row.status == "pending" and row.attempt_log[0].status_code == status
    finally:
        server.close()


def test_an_unreachable_receiver_is_logged(manual, db, make_user):
    server = Receiver()
    url = server.url
    server.close()
    create_webhook(url, SECRET)
    publish(make_user)
    deliver_due()
    (attempt,) = deliveries()[0].attempt_log
    assert attempt.status_code is None and attempt.error


def test_a_rolled_back_publish_sends_nothing(app, db, make_user, receiver):
    create_webhook(receiver.url, SECRET)
    draft = make_draft(sla_entries())
    submit_version(draft, make_user("editor"))
    approve_version(draft, make_user("approver", "marketing"))
    sales_approver, queued, session = make_user("approver", "sales"), [], db.session()

    def fail_at_commit(_session):
        queued.extend(_session.scalars(select(WebhookDelivery)))
        raise RuntimeError("the publishing transaction fails after every receiver ran")

    event.listen(session, "before_commit", fail_at_commit)
    try:
        with pytest.raises(RuntimeError):
            approve_version(draft, sales_approver)
    finally:
        event.remove(session, "before_commit", fail_at_commit)
    assert len(queued) == 1, "the outbox receiver ran inside the transaction"
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert db.session.get(Version, draft.id).state == "in_review"
    assert deliver_due() == 0
    wait_for_background()
    assert receiver.received() == []


def test_a_lease_keeps_a_claimed_delivery_from_other_workers_until_it_lapses(manual, db, make_user):
    create_webhook("http://127.0.0.1:9/never", SECRET)
    publish(make_user)
    now = utcnow()
    assert len(claim_due(now)) == 1
    assert claim_due(now) == []
    assert len(claim_due(now + LEASE + timedelta(seconds=1))) == 1, "a crashed worker's claim lapses"


def test_concurrent_workers_send_each_delivery_once(manual, app, db, make_user, receiver):
    hook, _ = create_webhook(receiver.url, SECRET)
    for n in range(12):
        db.session.add(WebhookDelivery(webhook_id=hook.id, delivery_id=f"00000000-0000-0000-0000-{n:012d}",
                                       event="sla.published", payload=b"{}", next_attempt_at=utcnow()))
    db.session.commit()
    start, errors = threading.Barrier(4), []

    def worker():
        try:
            with app.app_context():
                start.wait()
                deliver_due(limit=3)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    ids = [r["headers"]["X-Accord-Delivery"] for r in receiver.received()]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 12
    assert db.session.scalar(select(func.count()).select_from(WebhookAttempt)) == 12


# --- the admin page ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["reader", "editor", "approver"])
@pytest.mark.parametrize("path", ["/admin/webhooks", "/admin/webhooks/1/delete", "/admin/webhooks/deliveries/1/resend"])
def test_only_admins_manage_webhooks(login_as, role, path):
    client = login_as(role)
    method = client.get if path == "/admin/webhooks" else client.post
    assert method(path).status_code == 403


def test_an_admin_registers_a_webhook_and_sees_its_secret_once(login_as, db):
    admin = login_as("admin")
    response = admin.post("/admin/webhooks", data={"url": "https://hooks.example.com/a", "secret": ""})
    assert response.status_code == 200
    hook = db.session.scalar(select(Webhook))
    assert hook.url == "https://hooks.example.com/a" and len(hook.secret) >= 32
    assert hook.secret in response.get_data(as_text=True)
    page = admin.get("/admin/webhooks").get_data(as_text=True)
    assert "https://hooks.example.com/a" in page and hook.secret not in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "webhook.created"))
    assert event.user_id == admin.user.id


@pytest.mark.parametrize("data, message", [
    ({"url": "ftp://example.com/x"}, "Only http:// and https:// URLs"),
    ({"url": "not a url"}, "cannot contain spaces"),
    ({"url": ""}, "This field is required"),
    ({"url": "https://ok.example.com", "secret": "short"}, "between 16 and 200"),
])
def test_invalid_webhooks_are_refused_on_the_form(login_as, db, data, message):
    response = login_as("admin").post("/admin/webhooks", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Webhook)) is None


def test_the_admin_page_shows_every_attempt_and_resends(manual, app, db, make_user, login_as):
    server = Receiver(statuses=[500, 202])
    try:
        create_webhook(server.url, SECRET)
        publish(make_user)
        deliver_due()
        admin = login_as("admin")
        page = admin.get("/admin/webhooks").get_data(as_text=True)
        (row,) = deliveries()
        assert row.delivery_id in page and "HTTP 500 Internal Server Error" in page and "waiting to be sent" in page

        app.config["WEBHOOKS_DELIVER_AFTER_PUBLISH"] = True
        assert admin.post(f"/admin/webhooks/deliveries/{row.id}/resend").status_code == 302
        wait_for_background()
        db.session.expire_all()
        row = deliveries()[0]
        assert (row.status, [a.status_code for a in row.attempt_log]) == ("delivered", [500, 202])
        assert len(server.received()) == 2
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "webhook.resent"))
    finally:
        server.close()


def test_an_admin_deletes_a_webhook_and_its_log(manual, db, make_user, login_as):
    hook, _ = create_webhook("http://127.0.0.1:9/x", SECRET)
    publish(make_user)
    admin = login_as("admin")
    assert admin.post(f"/admin/webhooks/{hook.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Webhook)) == 0
    assert deliveries() == []
    assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "webhook.deleted")).endswith("/x")
    assert admin.post(f"/admin/webhooks/{hook.id}/delete").status_code == 404


# --- the worker --------------------------------------------------------------------------------

def test_flask_webhooks_deliver_once_sends_the_due_deliveries(manual, runner, db, make_user, receiver):
    create_webhook(receiver.url, SECRET)
    publish(make_user)
    result = runner.invoke(args=["webhooks", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "Tried 1 webhook delivery." in result.output
    assert receiver.next()["headers"]["X-Accord-Event"] == "sla.published"
    db.session.expire_all()
    assert deliveries()[0].status == "delivered"
    listing = runner.invoke(args=["webhooks", "list"]).output
    assert receiver.url in listing and "1 delivered" in listing
