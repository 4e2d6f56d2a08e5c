"""Review and sign-off of the version under review."""
from flask import Blueprint

bp = Blueprint("review", __name__)

from app.review import views, whatif  # noqa: E402,F401
