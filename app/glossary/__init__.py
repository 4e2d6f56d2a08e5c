"""The glossary: every term A–Z, search, term pages."""
from flask import Blueprint

bp = Blueprint("glossary", __name__)

from app.glossary import autogenerate, models, views  # noqa: E402,F401
