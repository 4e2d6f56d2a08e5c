"""Reading the agreement: home, print, acknowledgements."""
from flask import Blueprint

bp = Blueprint("reading", __name__)

from app.reading import views  # noqa: E402,F401
