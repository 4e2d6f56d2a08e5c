"""Version pages (placeholder until the versions area lands)."""
from flask import render_template

from app.versions import bp


@bp.route("/versions")
def index():
    """Every published version and the open one."""
    return render_template("placeholder.html", title="Versions")
