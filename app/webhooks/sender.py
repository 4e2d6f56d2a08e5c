"""Sending the outbox: claim due deliveries, send them, log every attempt, retry with exponential backoff.

Any number of workers may run at once: a worker claims due rows (FOR UPDATE SKIP LOCKED on
PostgreSQL, and a compare-and-set of next_attempt_at everywhere) and leases them while it sends.
Each send is recorded in a transaction of its own, so one receiver's answer can neither stop the
others of its batch nor go uncounted.
"""
import logging
import threading
import time
from datetime import datetime, timedelta

import click
from flask import Flask, current_app
from sqlalchemy import select, update

from app.extensions import db
from app.models import Webhook, WebhookAttempt, WebhookDelivery
from app.models.base import utcnow
from app.webhooks.transport import Outgoing, post

log = logging.getLogger("accord.webhooks")
MAX_ATTEMPTS = 7  # the first try and six retries, 1 + 2 + 4 + 8 + 16 + 32 minutes apart: about an hour
DEFAULT_RETRY_BASE_SECONDS = 60
DEFAULT_TIMEOUT_SECONDS = 5
LEASE = timedelta(minutes=2)  # longer than any send; a crashed worker's claim lapses after it
BATCH = 20
ERROR_MAX = 500
NOT_STORED = "The attempt's outcome could not be stored."


def retry_delay(failed_attempts: int) -> timedelta:
    """1, 2, 4, 8, 16, 32 minutes after the 1st … 6th failure (WEBHOOK_RETRY_BASE_SECONDS is the first)."""
    base = current_app.config.get("WEBHOOK_RETRY_BASE_SECONDS", DEFAULT_RETRY_BASE_SECONDS)
    return timedelta(seconds=base * 2 ** (failed_attempts - 1))


def storable_text(text: str | None, limit: int = ERROR_MAX) -> str | None:
    """Text every database stores: no NUL or other control characters, no lone surrogates, bounded."""
    if text is None:
        return None
    text = text.encode("utf-8", "replace").decode("utf-8")
    cleaned = "".join(c if c.isprintable() else " " for c in text).strip()
    return cleaned[:limit - 1] + "…" if len(cleaned) > limit else cleaned


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
    text = None if ok else storable_text(error or f"HTTP {status_code}")
    db.session.add(WebhookAttempt(delivery_id=delivery.id, at=now, status_code=status_code,
                                  error=text, duration_ms=duration_ms))
    delivery.attempts += 1
    if ok:
        delivery.status, delivery.delivered_at = "delivered", now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    db.session.commit()
    return delivery


def send_one(outgoing: Outgoing, timeout: float, allow_private: bool, now: datetime | None) -> None:
    """Send one delivery and count the attempt, whatever the receiver answered."""
    started = time.monotonic()
    status_code, error = post(outgoing, timeout, allow_private)
    duration_ms = int((time.monotonic() - started) * 1000)
    try:
        record_attempt(outgoing, status_code, error, duration_ms, now or utcnow())
    except Exception as failure:
        db.session.rollback()
        log.error("Webhook delivery %s: could not store the attempt (%s); storing it without its details",
                  outgoing.delivery_id, one_line(failure))
        record_attempt(outgoing, status_code, NOT_STORED, duration_ms, now or utcnow())


def one_line(error: BaseException) -> str:
    """An exception as one short log line."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:300]


def deliver_due(now: datetime | None = None, limit: int = BATCH) -> int:
    """One pass: send every delivery due at `now` (default: the present). Returns how many were tried."""
    timeout = current_app.config.get("WEBHOOK_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS
    allow_private = bool(current_app.config.get("ACCORD_WEBHOOK_ALLOW_PRIVATE"))
    tried = 0
    while True:
        batch = claim_due(now or utcnow(), limit)
        for outgoing in batch:
            try:
                send_one(outgoing, timeout, allow_private, now)
            except Exception as failure:  # the lease lapses and the delivery is tried again
                db.session.rollback()
                log.error("Webhook delivery %s: the attempt was not recorded (%s)",
                          outgoing.delivery_id, one_line(failure))
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


def run_worker(interval: float, once: bool = False, echo=click.echo) -> bool:
    """Deliver due webhooks forever (or once), pausing `interval` seconds between passes; a failed
    pass (the database away, say) is reported in one line and the next one runs as usual.
    Returns whether the last pass succeeded (with `once`)."""
    while True:
        try:
            tried = deliver_due()
        except Exception as error:
            _forget_session()
            retry = "" if once else f"; trying again in {interval:g} s"
            echo(f"Webhook delivery pass failed ({one_line(error)}){retry}.", err=True)
            succeeded = False
        else:
            if tried:
                echo(f"Tried {tried} webhook deliver{'y' if tried == 1 else 'ies'}.")
            succeeded = True
        if once:
            return succeeded
        time.sleep(interval)


def _forget_session() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone: the next pass opens a new one
        pass
    db.session.remove()
