"""Admin pages: users, teams and, from other areas, policy, tokens, webhooks, audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import acknowledgements, audit, language, policy, teams, tokens, users, webhooks  # noqa: E402,F401
