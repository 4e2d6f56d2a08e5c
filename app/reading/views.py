"""The home page."""
from flask import render_template
from sqlalchemy import select

from app.extensions import db
from app.models import Version, VersionState
from app.reading import bp


@bp.route("/")
def home():
    """The current agreement: version, effective date, signatures, sections."""
    current = db.session.scalar(select(Version).where(Version.state == VersionState.PUBLISHED.value))
    return render_template("reading/home.html", current=current)
