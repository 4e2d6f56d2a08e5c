"""Review page (placeholder until the versions area lands)."""
from flask import render_template

from app.auth.access import role_required
from app.review import bp


@bp.route("/review")
@role_required("editor")
def review():
    """The version under review, opening on its diff."""
    return render_template("placeholder.html", title="Review")
