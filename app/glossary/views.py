"""Glossary pages (placeholder until the reading area lands)."""
from flask import render_template

from app.glossary import bp


@bp.route("/glossary")
def index():
    """All terms A–Z."""
    return render_template("placeholder.html", title="Glossary")
