"""Shared column helpers."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    """Timezone-aware now, stored as naive UTC for SQLite and PostgreSQL alike."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
