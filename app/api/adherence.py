"""GET /adherence: whether each commitment is kept, as JSON for dashboards and alerts."""
import re
from datetime import datetime, timedelta, timezone

from flask import request

from app.adherence.engine import Evaluation, History, entry_of, measurable, period_bounds, zone_of
from app.api import bp
from app.api.http import ApiError, dump_json, json_response, not_found

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _moment(period: str | None) -> datetime:
    """The moment whose periods are answered: now, or the last instant of the month `period` names."""
    now = datetime.now(timezone.utc)
    if not period:
        return now
    match = MONTH.match(period)
    if not match:
        raise ApiError(400, "Bad Request", f"'period' is a month as YYYY-MM, e.g. 2026-11; not '{period[:20]}'.")
    year, month = int(match.group(1)), int(match.group(2))
    end = datetime(year + (month == 12), 1 if month == 12 else month + 1, 1, tzinfo=timezone.utc)
    return min(now, end - timedelta(hours=14))  # inside the month in every time zone


@bp.route("/adherence")
def adherence():
    """Each measurable commitment in its period holding `?period=YYYY-MM` (default: now)."""
    moment = _moment(request.args.get("period", "").strip())
    history = History()
    document = history.document_at(moment) or history.current()
    results = []
    for commitment in (document or {}).get("sections", {}).get("commitments") or []:
        if not measurable(commitment):
            continue
        name, start, end = period_bounds(commitment.get("period") or "month", moment, zone_of(document, commitment))
        result = Evaluation(commitment["key"], history).period(name, start, end)
        if result is not None:
            results.append(result.as_dict())
    return json_response(dump_json({"period": request.args.get("period") or None, "commitments": results}))


@bp.route("/adherence/<key>")
def adherence_commitment(key: str):
    """One commitment's last 12 periods, and the leads that broke it in each."""
    history = History()
    if entry_of(history.current(), "commitments", key[:64]) is None:
        raise not_found(f"There is no commitment '{key[:64]}' in the current version.")
    periods = [{**p.as_dict(), "leads": [b.as_dict() for b in p.breaches]} for p in Evaluation(key, history).periods()]
    return json_response(dump_json({"commitment": key, "periods": periods}))
