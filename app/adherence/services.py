"""What the adherence pages and API show, put together from the engine: the views only render it."""
from datetime import datetime

from flask import current_app

from app.adherence.charts import period_chart
from app.adherence.engine import Evaluation, History, PeriodResult, entry_of, measurable, period_bounds, zone_of

PERIODS_SHOWN = 12


def commitments_of(document: dict | None) -> list[dict]:
    return (document or {}).get("sections", {}).get("commitments") or []


def overview() -> dict:
    """One card per measurable commitment of the version in force (this period's result and a chart of the
    last PERIODS_SHOWN, each evaluated once), a tally of statuses per promising team, and the rest."""
    history = History()
    document = history.current()
    cards, teams = [], {}
    for commitment in commitments_of(document):
        periods = Evaluation(commitment["key"], history).periods(PERIODS_SHOWN) if measurable(commitment) else []
        if not periods:
            continue
        result = periods[-1]
        cards.append({"commitment": commitment, "result": result, "chart": period_chart(periods)})
        tally = teams.setdefault(commitment["from_team"], {})
        tally[result.status] = tally.get(result.status, 0) + 1
    unmeasured = [c for c in commitments_of(document) if not measurable(c) and not c.get("deprecated")]
    return {"document": document, "cards": cards, "teams": teams, "unmeasured": unmeasured}


def commitment_periods(key: str) -> tuple[dict | None, list[PeriodResult]]:
    """A commitment of the version in force (None when it has none) and its last PERIODS_SHOWN periods."""
    history = History()
    commitment = entry_of(history.current(), "commitments", key)
    return commitment, (Evaluation(key, history).periods(PERIODS_SHOWN) if commitment else [])


def results_at(moment: datetime) -> list[PeriodResult]:
    """Each measurable commitment of the version in force at `moment`, in its period holding it."""
    history = History()
    document = history.document_at(moment) or history.current()
    results = []
    for commitment in commitments_of(document):
        if measurable(commitment):
            name, start, end = period_bounds(commitment.get("period") or "month", moment,
                                             zone_of(document, commitment))
            result = Evaluation(commitment["key"], history).period(name, start, end)
            if result is not None:
                results.append(result)
    return results


def crm_link(breach) -> str | None:
    """The lead's record in the CRM, from ACCORD_CRM_RECORD_URL ({external_id}, {source}), or None."""
    template = current_app.config.get("ACCORD_CRM_RECORD_URL") or ""
    if not template.startswith(("https://", "http://")):
        return None
    return template.replace("{external_id}", breach.external_id).replace("{source}", breach.source)
