"""/adherence: whether each commitment is kept, this period and the last twelve, for every reader."""
from flask import abort, render_template

from app.adherence import bp
from app.adherence.charts import period_chart
from app.adherence.services import commitment_periods, crm_link, overview
from app.auth.access import role_required
from app.reading.services import team_names


@bp.route("/adherence")
@role_required("reader")
def index():
    """One card per measurable commitment with this period's status, and a scorecard per team."""
    return render_template("adherence/index.html", team_names=team_names(), **overview())


@bp.route("/adherence/<key>")
@role_required("reader")
def commitment(key: str):
    """One commitment's periods, and the leads that broke it."""
    entry, periods = commitment_periods(key[:64])
    if entry is None:
        abort(404)
    return render_template("adherence/commitment.html", commitment=entry, periods=periods,
                           chart=period_chart(periods), crm_link=crm_link)
