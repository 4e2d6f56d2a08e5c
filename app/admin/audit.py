"""Admin view of the audit log: read-only, newest first, filtered by user, action and version."""
import json

from flask import request
from sqlalchemy import select

from app.admin import bp
from app.auth.access import role_required
from app.extensions import db
from app.models import AuditEvent, User, Version
from app.htmx import page_or_block

PER_PAGE = 50
MAX_ID = 2**31 - 1  # beyond any row id; larger numbers would overflow the database's integers
SHORT_VALUE = 60
SHORT_FIELDS = 4


def _printable(value: str | None, limit: int) -> str | None:
    # Actions and version numbers are plain text; a NUL would even break the query on PostgreSQL.
    return "".join(ch for ch in (value or "") if ch.isprintable()).strip()[:limit] or None


def _row_id(value: int | None) -> int | None:
    return None if value is None else value if 0 < value <= MAX_ID else -1


def read_filters(args) -> dict:
    """The filters of the query string; malformed values are ignored rather than refused."""
    return {"user": _row_id(args.get("user", type=int)), "action": _printable(args.get("action"), 40),
            "version": _printable(args.get("version"), 20)}


def find_version_id(value: str | None) -> int | None:
    """A version by its id (digits) or its number (e.g. 1.1.0)."""
    if not value:
        return None
    if value.isdigit():
        return _row_id(int(value))
    return db.session.scalar(select(Version.id).where(Version.number == value)) or -1


def audit_query(filters: dict):
    """Audit events matching the filters, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if filters["user"] is not None:
        query = query.where(AuditEvent.user_id == filters["user"])
    if filters["action"]:
        query = query.where(AuditEvent.action == filters["action"])
    version_id = find_version_id(filters["version"])
    if version_id is not None:
        query = query.where(AuditEvent.version_id == version_id)
    return query


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= SHORT_VALUE else text[:SHORT_VALUE - 1] + "…"


def short_change(before: dict | None, after: dict | None) -> list[tuple[str, str | None, str | None]]:
    """A few (field, before, after) lines: the fields that differ, values cut short."""
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [("value", _short(before) if before else None, _short(after) if after else None)]
    names = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    return [(name, _short(before[name]) if name in before else None,
             _short(after[name]) if name in after else None) for name in names[:SHORT_FIELDS]]


def filter_choices() -> dict:
    """The users, actions and versions the filters offer."""
    users = db.session.scalars(select(User).where(
        User.id.in_(select(AuditEvent.user_id).distinct())).order_by(User.name)).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    versions = db.session.scalars(select(Version).order_by(Version.id.desc())).all()
    return {"users": users, "actions": actions,
            "versions": [(v.number or str(v.id), v.label) for v in versions]}


@bp.route("/audit")
@role_required("admin")
def audit():
    """The audit log: who did what and when, 50 a page; the table alone for htmx."""
    filters = read_filters(request.args)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_ID // PER_PAGE)
    pagination = db.paginate(audit_query(filters), page=page, per_page=PER_PAGE, error_out=False)
    version_ids = {e.version_id for e in pagination.items if e.version_id}
    labels = {v.id: v.label for v in db.session.scalars(select(Version).where(Version.id.in_(version_ids)))}
    args = {k: v for k, v in filters.items() if v is not None}
    return page_or_block("admin/audit.html", "results", filters=filters, args=args, pagination=pagination,
                         events=pagination.items, version_labels=labels, short_change=short_change,
                         **filter_choices())
