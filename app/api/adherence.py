"""GET /adherence: whether each commitment is kept, as JSON for dashboards and alerts."""
import re
from datetime import datetime, timedelta, timezone

from flask import request

from app.adherence.services import commitment_periods, results_at
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
    results = [r.as_dict() for r in results_at(_moment(request.args.get("period", "").strip()))]
    return json_response(dump_json({"period": request.args.get("period") or None, "commitments": results}))


@bp.route("/adherence/<key>")
def adherence_commitment(key: str):
    """One commitment's last 12 periods, and the leads that broke it in each."""
    commitment, results = commitment_periods(key[:64])
    if commitment is None:
        raise not_found(f"There is no commitment '{key[:64]}' in the current version.")
    periods = [{**p.as_dict(), "leads": [b.as_dict() for b in p.breaches]} for p in results]
    return json_response(dump_json({"commitment": key, "periods": periods}))
