"""Who is signed in, and role checks: one decorator, one helper, no ad-hoc ifs in views."""
import re
import time
from datetime import timedelta
from functools import wraps

from flask import abort, current_app
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db, login_manager
from app.messages import N_
from app.models import User, role_at_least

# "<user id>:<session generation>", and ":<issued at>" (Unix seconds) when signing in issued it.
SESSION_USER_ID = re.compile(r"([0-9]{1,18}):([0-9]{1,18})(?::([0-9]{1,12}))?")


def now_seconds() -> float:
    """The clock that ages sign-ins (tests move it instead of waiting)."""
    return time.time()


def _too_old(issued: str | None) -> bool:
    """A sign-in, and the remember-me cookie it set, last REMEMBER_COOKIE_DURATION at most, even
    in a browser that ignores the cookie's expiry."""
    if issued is None:
        return False
    lifetime = current_app.config.get("REMEMBER_COOKIE_DURATION", timedelta(days=30)).total_seconds()
    return not -60 <= now_seconds() - int(issued) <= lifetime


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user a session or remember-me cookie names, if it was issued for their current
    session generation at most 30 days ago (anything else is signed out).

    A deactivated user is returned whatever the generation: they are never authenticated
    (Flask-Login's is_authenticated follows is_active), and the API can say why."""
    match = SESSION_USER_ID.fullmatch(user_id or "")
    if match is None or _too_old(match.group(3)):
        return None
    user = db.session.get(User, int(match.group(1)))
    if user is None or (user.active and user.session_generation != int(match.group(2))):
        return None
    return user


login_manager.id_attribute = "session_token"  # what login_user stores: get_id() and when
login_manager.login_view = "auth.login"
login_manager.login_message = N_("Please sign in to see this page.")
login_manager.localize_callback = _  # the message is flashed in the reader's language
login_manager.login_message_category = "info"


def has_role(minimum: str) -> bool:
    """Whether the signed-in user ranks at least `minimum`."""
    return bool(current_user.is_authenticated and current_user.active
                and role_at_least(current_user.role, minimum))


def role_required(minimum: str):
    """Decorate a view: anonymous users are sent to sign in, lower roles get 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_role(minimum):
                abort(403, _("This page needs the %(role)s role or higher.", role=_(minimum)))
            return view(*args, **kwargs)
        wrapped.required_role = minimum
        return wrapped
    return decorator
