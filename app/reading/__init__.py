"""Reading the agreement: home, print, acknowledgements."""
from flask import Blueprint, current_app, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

bp = Blueprint("reading", __name__)


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


@bp.app_context_processor
def _reading_helpers():
    return {"acknowledgement_prompt": acknowledgement_prompt}


from app.reading import views  # noqa: E402,F401
