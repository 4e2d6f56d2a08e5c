"""Signing in and out, one's own account, and the role checks every area uses."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import account, preferences, views  # noqa: E402,F401
