"""Editing the open draft."""
from flask import Blueprint

bp = Blueprint("editing", __name__)

from app.editing import views  # noqa: E402,F401
