"""Webhooks: an outbox written by the publishing transaction, sent after it commits."""
from flask import Flask, current_app

from app import signals


def _enqueue(version, **kwargs) -> None:
    from app.webhooks.services import enqueue_publication

    enqueue_publication(version, **kwargs)


def _kick(version, **_) -> None:
    from app.webhooks.sender import kick

    kick(current_app._get_current_object())


def init_app(app: Flask) -> None:
    """Connect the publish signals (idempotent: blinker keeps one connection per receiver)."""
    signals.version_published.connect(_enqueue)
    signals.version_published_committed.connect(_kick)
