"""/adherence: whether each commitment is kept, this period and the last twelve, for every reader."""
from flask import abort, current_app, render_template
from sqlalchemy import select

from app.adherence import bp
from app.adherence.charts import period_chart
from app.adherence.engine import Evaluation, History, entry_of, measurable, scorecard
from app.auth.access import role_required
from app.extensions import db
from app.models import Team

PERIODS_SHOWN = 12


def crm_link(breach) -> str | None:
    """The lead's record in the CRM, from ACCORD_CRM_RECORD_URL ({external_id}, {source}), or None."""
    template = current_app.config.get("ACCORD_CRM_RECORD_URL") or ""
    if not template.startswith(("https://", "http://")):
        return None
    return template.replace("{external_id}", breach.external_id).replace("{source}", breach.source)


@bp.route("/adherence")
@role_required("reader")
def index():
    """One card per measurable commitment with this period's status, and a scorecard per team."""
    history = History()
    document = history.current()
    cards = []
    for result in scorecard():
        commitment = entry_of(document, "commitments", result.commitment)
        periods = Evaluation(result.commitment, history).periods(PERIODS_SHOWN)
        cards.append({"commitment": commitment, "result": result, "chart": period_chart(periods)})
    teams: dict[str, dict[str, int]] = {}
    for card in cards:
        tally = teams.setdefault(card["commitment"]["from_team"], {})
        tally[card["result"].status] = tally.get(card["result"].status, 0) + 1
    unmeasured = [c for c in ((document or {}).get("sections", {}).get("commitments") or [])
                  if not measurable(c) and not c.get("deprecated")]
    team_names = {team.slug: team.name for team in db.session.scalars(select(Team))}
    return render_template("adherence/index.html", cards=cards, teams=teams, unmeasured=unmeasured,
                           document=document, team_names=team_names)


@bp.route("/adherence/<key>")
@role_required("reader")
def commitment(key: str):
    """One commitment's periods, and the leads that broke it."""
    history = History()
    document = history.current()
    entry = entry_of(document, "commitments", key[:64])
    if entry is None:
        abort(404)
    periods = Evaluation(key, history).periods(PERIODS_SHOWN)
    return render_template("adherence/commitment.html", commitment=entry, periods=periods,
                           chart=period_chart(periods), crm_link=crm_link, document=document)
