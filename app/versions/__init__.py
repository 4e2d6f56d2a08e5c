"""Versions: the list, one version, compare."""
from flask import Blueprint

bp = Blueprint("versions", __name__)

from app.versions import views  # noqa: E402,F401
