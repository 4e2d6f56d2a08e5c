"""The audit log: every action, who and when. Rows are only inserted, never changed."""
from flask import has_request_context
from flask_login import current_user

from app.extensions import db
from app.models import AuditEvent


def record_event(action: str, *, user=None, version=None, entry_key: str | None = None,
                 summary: str = "", before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Add an audit row to the current transaction (the caller commits)."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(action=action, user_id=getattr(user, "id", None),
                       version_id=getattr(version, "id", None), entry_key=entry_key,
                       summary=summary[:2000], before=before, after=after)
    db.session.add(event)
    return event
