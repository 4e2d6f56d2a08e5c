"""Editing the open draft: its sections and entries."""
from flask import Blueprint

from app.sla.document import entry_to_dict

bp = Blueprint("editing", __name__)


@bp.context_processor
def _editing_helpers():
    return {"entry_dict": entry_to_dict}


from app.editing import entry_views, keys, views  # noqa: E402,F401
