"""POST /score: a lead scored with a version's lead scoring rules."""
import json
import math

from flask import request
from jsonschema import Draft202012Validator

from app.api import bp
from app.api.checks import DRAFT_NAMES, open_draft_for_editors
from app.api.lookup import requested
from app.api.http import ApiError, dump_json, json_response
from app.sla.scoring import SCORE_REQUEST_SCHEMA, parse_time, score_lead, time_errors
from app.versions.published import document_for
from app.versions.queries import document_of

_validator = Draft202012Validator(SCORE_REQUEST_SCHEMA)
FLOAT_DIGITS = 309  # the digits of the largest double, 1.8e308


def _not_json(constant: str):
    raise ValueError(f"{constant} is not a JSON number")


def _parse_int(digits: str) -> int | float:
    """An integer a double can hold; anything longer stands as infinity, refused below as out of range."""
    if len(digits.lstrip("-")) > FLOAT_DIGITS:  # Python would refuse to parse a very long one anyway
        return math.inf
    number = int(digits)
    return number if math.isfinite(_as_float(number)) else math.inf


def _as_float(number: int) -> float:
    try:
        return float(number)
    except OverflowError:
        return math.inf


def out_of_range(payload, path: tuple = ()) -> list[dict]:
    """Every number a double cannot hold (1e400, a 310-digit integer), with a JSON pointer to it."""
    if isinstance(payload, float) and not math.isfinite(payload):
        return [{"pointer": "/" + "/".join(str(p) for p in path),
                 "message": "is a number too large to use: numbers must fit a double (about ±1.8e308)"}]
    if isinstance(payload, dict):
        return [error for key, value in payload.items() for error in out_of_range(value, path + (key,))]
    if isinstance(payload, list):
        return [error for index, value in enumerate(payload) for error in out_of_range(value, path + (index,))]
    return []


def read_json_body() -> object:
    """The request's JSON body: 415 when it is not JSON, 400 when it does not parse."""
    if not request.is_json:
        raise ApiError(415, "Unsupported Media Type", "Send the body as JSON (Content-Type: application/json).")
    raw = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH this raises 413
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_not_json, parse_int=_parse_int)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError and JSONDecodeError included
        raise ApiError(400, "Bad Request", f"The body is not valid JSON: {error}.") from error


def validation_errors(payload) -> list[dict]:
    """Every way the payload breaks the request schema, with a JSON pointer to where."""
    errors = sorted(_validator.iter_errors(payload), key=lambda e: list(e.absolute_path))
    return [{"pointer": "/" + "/".join(str(p) for p in e.absolute_path), "message": e.message}
            for e in errors]


def _scored_document(asked: str) -> dict:
    """The document whose rules score: the current version, a published one, or the open draft (editors)."""
    if asked in DRAFT_NAMES:
        version = open_draft_for_editors()
        return document_of(version)
    row, _ = requested(asked or None)
    return document_for(row).data


@bp.route("/score", methods=["POST"])
def score():
    """Score a lead's fields and timed events at `as_of` with a version's rules (the current one by default)."""
    payload = read_json_body()
    errors = out_of_range(payload) or validation_errors(payload) + time_errors(payload)
    if errors:
        raise ApiError(422, "Unprocessable Content", "The body does not match the score request schema.",
                       errors=errors)
    result = score_lead(_scored_document(request.args.get("version", "").strip()), payload.get("fields"),
                        payload.get("events"), parse_time(payload.get("as_of")))
    response = json_response(dump_json(result))
    response.headers["Cache-Control"] = "no-store"
    return response
