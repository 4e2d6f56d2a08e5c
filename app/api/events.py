"""POST /events: lead events from a tool, with a token that holds the events:write scope."""
from flask import Response, g, request
from jsonschema import Draft202012Validator

from app.api import bp
from app.api.auth import REALM, unauthorized
from app.api.http import ApiError, dump_json
from app.api.score import out_of_range, read_json_body
from app.api.tokens import EVENTS_WRITE
from app.leads.services import BATCH_MAX, EVENTS_REQUEST_SCHEMA, ingest_events

EVENTS_BODY_MAX = 16 * 1024 * 1024  # 10,000 events of about a kilobyte each, with room
_request_validator = Draft202012Validator(EVENTS_REQUEST_SCHEMA)


def _writer_token():
    """The request's token when it may send events: 401 without one, 403 with a read-only one."""
    token = getattr(g, "api_token", None)
    if token is None:
        raise unauthorized("Sending events needs an API token with the events:write scope "
                           "(Authorization: Bearer <token>); a signed-in session only reads.")
    if EVENTS_WRITE not in token.scopes:
        raise ApiError(403, "Forbidden", "This token only reads. Create one with the events:write scope: "
                       "flask tokens create NAME --scope events:write.",
                       headers={"WWW-Authenticate": f'{REALM}, error="insufficient_scope", scope="{EVENTS_WRITE}"'})
    return token


@bp.route("/events", methods=["POST"])
def post_events():
    """Store a batch of lead events (up to 10,000); the same event again is a duplicate, not a change."""
    _writer_token()
    request.max_content_length = EVENTS_BODY_MAX
    payload = read_json_body()
    if isinstance(payload, dict) and isinstance(payload.get("events"), list) and len(payload["events"]) > BATCH_MAX:
        raise ApiError(413, "Content Too Large", f"A batch holds at most {BATCH_MAX:,} events; this one has "
                       f"{len(payload['events']):,}. Send it in smaller batches.")
    errors = out_of_range(payload) or [
        {"pointer": "/" + "/".join(str(p) for p in e.absolute_path), "message": e.message}
        for e in sorted(_request_validator.iter_errors(payload), key=lambda e: list(e.absolute_path))]
    if errors:
        raise ApiError(422, "Unprocessable Content", "The body does not match the events request schema.",
                       errors=errors)
    result = ingest_events(payload["source"], payload["events"])
    if payload["events"] and not result.accepted and not result.duplicates:
        raise ApiError(422, "Unprocessable Content", "No event of the batch could be stored.", **result.as_dict())
    return Response(dump_json(result.as_dict()), mimetype="application/json", headers={"Cache-Control": "no-store"})
