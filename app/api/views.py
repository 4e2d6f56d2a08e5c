"""API endpoints (placeholder until the API area lands)."""
from app.api import bp
from app.errors import problem


@bp.route("/sla")
def sla():
    """The current published document."""
    return problem(404, "Not Found", "No version has been published yet.")
