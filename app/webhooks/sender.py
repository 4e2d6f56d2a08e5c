"""Sending the outbox: sign, POST, log every attempt, retry with exponential backoff.

Any number of workers may run at once: a worker claims due rows (FOR UPDATE SKIP LOCKED on
PostgreSQL, and a compare-and-set of next_attempt_at everywhere) and leases them while it sends.
"""
import hashlib
import hmac
import http.client
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import select, update

from app.extensions import db
from app.models import Webhook, WebhookAttempt, WebhookDelivery
from app.models.base import utcnow

MAX_ATTEMPTS = 7  # the first try and six retries, 1 + 2 + 4 + 8 + 16 + 32 minutes apart: about an hour
DEFAULT_RETRY_BASE_SECONDS = 60
DEFAULT_TIMEOUT_SECONDS = 5
LEASE = timedelta(minutes=2)  # longer than any send; a crashed worker's claim lapses after it
BATCH = 20
USER_AGENT = "Accord-Webhooks/1"


@dataclass(frozen=True)
class Outgoing:
    """What one send needs, read before the transaction ends so no row stays locked during HTTP."""
    id: int
    delivery_id: str
    event: str
    url: str
    secret: str
    payload: bytes


def signature(secret: str, body: bytes) -> str:
    """The X-Accord-Signature value: sha256=<hex HMAC-SHA256 of the raw body>."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def retry_delay(failed_attempts: int) -> timedelta:
    """1, 2, 4, 8, 16, 32 minutes after the 1st … 6th failure (the base is configurable for tests)."""
    base = current_app.config.get("WEBHOOK_RETRY_BASE_SECONDS", DEFAULT_RETRY_BASE_SECONDS)
    return timedelta(seconds=base * 2 ** (failed_attempts - 1))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer other than 2xx: logged and retried, never followed


_opener = urllib.request.build_opener(_NoRedirects)


def post(outgoing: Outgoing, timeout: float) -> tuple[int | None, str | None]:
    """POST the signed payload; the status code (None when no answer) and an error text."""
    request = urllib.request.Request(outgoing.url, data=outgoing.payload, method="POST", headers={
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Accord-Event": outgoing.event,
        "X-Accord-Delivery": outgoing.delivery_id,
        "X-Accord-Signature": signature(outgoing.secret, outgoing.payload),
    })
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(65_536)
            return response.status, None
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        return None, f"{type(error).__name__}: {reason}"[:2000]


def claim_due(now: datetime, limit: int = BATCH) -> list[Outgoing]:
    """Lease up to `limit` due deliveries to this worker and return what sending them needs."""
    candidates = db.session.execute(
        select(WebhookDelivery.id, WebhookDelivery.next_attempt_at)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit).with_for_update(skip_locked=True)).all()
    claimed = []
    for delivery_id, due in candidates:
        result = db.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending",
                   WebhookDelivery.next_attempt_at == due)
            .values(next_attempt_at=now + LEASE).execution_options(synchronize_session=False))
        if result.rowcount == 1:
            claimed.append(delivery_id)
    outgoing = []
    if claimed:
        rows = db.session.execute(
            select(WebhookDelivery.id, WebhookDelivery.delivery_id, WebhookDelivery.event, Webhook.url,
                   Webhook.secret, WebhookDelivery.payload)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(WebhookDelivery.id.in_(claimed)).order_by(WebhookDelivery.id)).all()
        outgoing = [Outgoing(*row) for row in rows]
    db.session.commit()
    return outgoing


def record_attempt(outgoing: Outgoing, status_code: int | None, error: str | None, duration_ms: int,
                   now: datetime) -> WebhookDelivery | None:
    """Log one attempt and decide: delivered, retry later, or failed for good."""
    delivery = db.session.get(WebhookDelivery, outgoing.id)
    if delivery is None:  # the webhook was deleted while we were sending
        db.session.rollback()
        return None
    ok = status_code is not None and 200 <= status_code < 300
    db.session.add(WebhookAttempt(delivery_id=delivery.id, at=now, status_code=status_code,
                                  error=None if ok else (error or f"HTTP {status_code}"), duration_ms=duration_ms))
    delivery.attempts += 1
    if ok:
        delivery.status, delivery.delivered_at = "delivered", now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    db.session.commit()
    return delivery


def deliver_due(now: datetime | None = None, limit: int = BATCH) -> int:
    """One pass: send every delivery due at `now` (default: the present). Returns how many were tried."""
    timeout = current_app.config.get("WEBHOOK_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
    tried = 0
    while True:
        batch = claim_due(now or utcnow(), limit)
        for outgoing in batch:
            started = time.monotonic()
            status_code, error = post(outgoing, timeout)
            duration_ms = int((time.monotonic() - started) * 1000)
            record_attempt(outgoing, status_code, error, duration_ms, now or utcnow())
        tried += len(batch)
        if len(batch) < limit:
            return tried


_background: set[threading.Thread] = set()
_background_lock = threading.Lock()


def _run_in_background(app: Flask) -> None:
    try:
        with app.app_context():
            deliver_due()
    except Exception:  # the outbox keeps the rows: the worker retries them
        app.logger.exception("Background webhook delivery failed")
    finally:
        with _background_lock:
            _background.discard(threading.current_thread())


def has_due_deliveries(now: datetime | None = None) -> bool:
    """Whether any delivery is waiting to be sent (one indexed query)."""
    query = select(WebhookDelivery.id).where(WebhookDelivery.status == "pending",
                                             WebhookDelivery.next_attempt_at <= (now or utcnow())).limit(1)
    return db.session.scalar(query) is not None


def kick(app: Flask) -> threading.Thread | None:
    """Start a pass in a background thread, so a publish never waits on a receiver."""
    if not app.config.get("WEBHOOKS_DELIVER_AFTER_PUBLISH", True) or not has_due_deliveries():
        return None
    thread = threading.Thread(target=_run_in_background, args=(app,), name="accord-webhooks", daemon=True)
    with _background_lock:
        _background.add(thread)
    thread.start()
    return thread


def wait_for_background(timeout: float = 10) -> None:
    """Wait for background passes to finish (for tests and orderly shutdown)."""
    deadline = time.monotonic() + timeout
    while True:
        with _background_lock:
            threads = list(_background)
        if not threads or time.monotonic() > deadline:
            return
        threads[0].join(max(0.0, deadline - time.monotonic()))


def run_worker(interval: float, once: bool = False, echo=print) -> None:
    """Deliver due webhooks forever (or once), pausing `interval` seconds between passes."""
    while True:
        tried = deliver_due()
        if tried:
            echo(f"Tried {tried} webhook deliver{'y' if tried == 1 else 'ies'}.")
        if once:
            return
        time.sleep(interval)
