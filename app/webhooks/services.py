"""Webhooks: register, delete, resend, and the outbox rows a publish writes."""
import secrets
import uuid
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from app.audit import record_event
from app.canonical import canonical_json
from app.extensions import db
from app.messages import N_, Refusal
from app.models import Webhook, WebhookDelivery
from app.models.base import utcnow
from app.urls import external_url
from app.webhooks.addresses import host_problem

EVENT_PUBLISHED = "sla.published"
URL_MAX = 2000
SECRET_MIN, SECRET_MAX = 16, 200
RECENT_DELIVERIES = 20


class WebhookError(Refusal):
    """A webhook change the rules refuse (the admin page translates it)."""


def url_problem(url: str, allow_private: bool = False) -> str | None:
    """Why a URL cannot receive webhooks (an N_() text pages translate), or None when it can."""
    if not url:
        return N_("A URL is required.")
    if len(url) > URL_MAX:
        return N_("This URL is too long.")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return N_("A URL cannot contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return N_("This is not a valid URL.")
    if parts.scheme not in ("http", "https"):
        return N_("Only http:// and https:// URLs can receive webhooks.")
    if not parts.hostname:
        return N_("The URL needs a host name.")
    if parts.username or parts.password:
        return N_("Put no credentials in the URL: the signature authenticates each delivery.")
    return None if allow_private else host_problem(parts.hostname)


def private_addresses_allowed() -> bool:
    """ACCORD_WEBHOOK_ALLOW_PRIVATE: receivers on loopback or private networks (on-premises, tests)."""
    return bool(current_app.config.get("ACCORD_WEBHOOK_ALLOW_PRIVATE"))


def create_webhook(url: str, secret: str = "", by=None) -> tuple[Webhook, str]:
    """Register a URL; a blank secret is generated. Returns the webhook and its secret."""
    url, secret = (url or "").strip(), (secret or "").strip()
    problem = url_problem(url, private_addresses_allowed())
    if problem:
        raise WebhookError(problem)
    if not secret:
        secret = secrets.token_urlsafe(32)
    if not SECRET_MIN <= len(secret) <= SECRET_MAX or not secret.isprintable():
        raise WebhookError(N_("A secret has %(min)d to %(max)d printable characters (or leave it blank)."),
                           min=SECRET_MIN, max=SECRET_MAX)
    webhook = Webhook(url=url, secret=secret, active=True)
    db.session.add(webhook)
    db.session.flush()
    record_event("webhook.created", user=by, summary=f"Registered webhook {url}", after={"id": webhook.id, "url": url})
    db.session.flush()
    return webhook, secret


def delete_webhook(webhook: Webhook, by=None) -> None:
    """Remove a webhook and its delivery log (the audit log keeps the fact)."""
    record_event("webhook.deleted", user=by, summary=f"Deleted webhook {webhook.url}",
                 before={"id": webhook.id, "url": webhook.url})
    # The database cascades to deliveries and attempts (ON DELETE CASCADE), without loading them.
    db.session.execute(delete(Webhook).where(Webhook.id == webhook.id))
    db.session.flush()


def resend_delivery(delivery: WebhookDelivery, by=None) -> WebhookDelivery:
    """Send a delivery again now, with a fresh round of retries; its attempt log is kept."""
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, utcnow()
    delivery.delivered_at = None
    record_event("webhook.resent", user=by, summary=f"Resent delivery {delivery.delivery_id} to {delivery.webhook.url}",
                 after={"delivery": delivery.delivery_id})
    db.session.commit()
    return delivery


def list_webhooks() -> list[Webhook]:
    return db.session.scalars(select(Webhook).order_by(Webhook.created_at, Webhook.id)).all()


def recent_deliveries(webhook: Webhook, limit: int = RECENT_DELIVERIES) -> list[WebhookDelivery]:
    """The webhook's latest deliveries, newest first, with their attempts loaded."""
    return db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id)
        .options(selectinload(WebhookDelivery.attempt_log))
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(limit)).all()


def version_url(number: str) -> str:
    """The absolute URL of a version's document (from ACCORD_BASE_URL whenever it is set)."""
    return external_url("api.version", version=number)


def enqueue_publication(version, **_) -> list[WebhookDelivery]:
    """Add one outbox row per active webhook to the publishing transaction (a rollback drops them)."""
    return enqueue_event(EVENT_PUBLISHED, {"version": version.number, "sha256": version.sha256,
                                           "url": version_url(version.number)})


def enqueue_event(event: str, payload: dict) -> list[WebhookDelivery]:
    """One outbox row per active webhook for `{"event": event, **payload}`, in the caller's transaction;
    the sender signs and retries every event alike."""
    body = canonical_json({"event": event, **payload})
    deliveries = [WebhookDelivery(webhook_id=hook_id, delivery_id=str(uuid.uuid4()), event=event,
                                  payload=body, status="pending", attempts=0, next_attempt_at=utcnow())
                  for hook_id in db.session.scalars(select(Webhook.id).where(Webhook.active.is_(True)))]
    db.session.add_all(deliveries)
    return deliveries
