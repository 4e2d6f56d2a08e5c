"""Versions: the list, one version, compare."""
from flask import Blueprint

from app.versions.display import change_label, state_label

bp = Blueprint("versions", __name__)
# The version pages, the review page and the draft name states and kinds of change in the reader's words.
bp.add_app_template_global(state_label, "version_state")
bp.add_app_template_global(change_label, "change_kind")

from app.versions import views  # noqa: E402,F401
