"""Reading the agreement: home, print, acknowledgements."""
from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

bp = Blueprint("reading", __name__)

# How pages name a version's kind and an entry's change; the values stored and sent stay English.
CHANGE_WORDS = {"major": _l("major"), "minor": _l("minor"), "patch": _l("patch"), "new": _l("new"),
                "added": _l("added"), "changed": _l("changed"), "removed": _l("removed"),
                "deprecated": _l("deprecated"), "restored": _l("restored")}


def acknowledgement_prompt():
    """The signed-in user's acknowledgement status when they should be asked, else None."""
    from app.reading.acknowledgements import acknowledgement_status

    if not current_user.is_authenticated or request.endpoint == "reading.home":
        return None
    try:
        status = acknowledgement_status(current_user)
    except SQLAlchemyError:  # error pages render this too: a banner must never break a page
        current_app.logger.exception("Could not read the acknowledgement status")
        return None
    return status if status is not None and not status.up_to_date else None


@bp.app_template_filter("change_word")
def change_word(kind: str | None) -> str:
    """A change kind in the reader's language (an unknown one as it is)."""
    word = CHANGE_WORDS.get(kind or "new")
    return str(word) if word is not None else kind


@bp.app_context_processor
def _reading_helpers():
    return {"acknowledgement_prompt": acknowledgement_prompt}


from app.reading import views  # noqa: E402,F401
