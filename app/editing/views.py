"""Draft pages (placeholder until the editing area lands)."""
from flask import render_template

from app.auth.access import role_required
from app.editing import bp


@bp.route("/draft")
@role_required("editor")
def draft():
    """The open draft, section by section."""
    return render_template("placeholder.html", title="Draft")
