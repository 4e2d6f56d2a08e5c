"""Adherence: whether the signed commitments are kept, measured on the lead data (app/leads/)."""
from flask import Blueprint

bp = Blueprint("adherence", __name__)

from app.adherence import views  # noqa: E402,F401
