"""GET /sla/checks: the consistency checks of a published version, or of the open draft for editors."""
from flask import request
from flask_login import current_user

from app.api import bp
from app.api.http import ApiError, dump_json, json_response, not_found
from app.api.lookup import requested
from app.models.accounts import role_at_least
from app.sla.checks import ERROR, Check
from app.versions.checks import version_checks
from app.versions.queries import OPEN_REF, find_version, get_open_version

DRAFT_NAMES = frozenset({OPEN_REF, "draft"})


def checks_body(number: str, checks: list[Check]) -> bytes:
    errors = sum(1 for c in checks if c.severity == ERROR)
    return dump_json({"version": number, "errors": errors, "warnings": len(checks) - errors,
                      "checks": [c.as_json() for c in checks]})


def open_draft_for_editors():
    """The open draft, for a signed-in editor: 403 for anyone else, 404 without a draft."""
    if not (current_user.is_authenticated and role_at_least(current_user.role, "editor")):
        raise ApiError(403, "Forbidden", "Only editors (signed in) may use the open draft.")
    version = get_open_version()
    if version is None:
        raise not_found("There is no open draft.")
    return version


@bp.route("/sla/checks")
def checks():
    """Errors (which block submitting) and warnings of the current version; `?version=` a number or `draft`."""
    asked = request.args.get("version", "").strip()
    if asked in DRAFT_NAMES:
        return json_response(checks_body(OPEN_REF, version_checks(open_draft_for_editors())))
    ref, immutable = requested(asked or None)
    version = find_version(ref.number)
    return json_response(checks_body(ref.number, version_checks(version)), last_modified=ref.published_at,
                         immutable=immutable)
