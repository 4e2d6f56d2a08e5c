"""Lead data: leads and their events, sent by tools (POST /api/v1/events) or imported from files (/data)."""
from flask import Blueprint

bp = Blueprint("data", __name__)

from app.leads import views  # noqa: E402,F401
