"""Webhooks: an outbox written by the publishing transaction, sent after it commits."""
from flask import current_app


def enqueue_deliveries(version, **kwargs) -> None:
    """Receiver of version_published: outbox rows in the publishing transaction."""
    from app.webhooks.services import enqueue_publication

    enqueue_publication(version, **kwargs)


def kick_deliveries(version, **_) -> None:
    """Receiver of version_published_committed: the first delivery attempt, in the background."""
    from app.webhooks.sender import kick

    kick(current_app._get_current_object())
