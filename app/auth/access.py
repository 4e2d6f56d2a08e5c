"""Who is signed in, and role checks: one decorator, one helper, no ad-hoc ifs in views."""
import re
from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import db, login_manager
from app.models import User, role_at_least

SESSION_USER_ID = re.compile(r"([0-9]{1,18}):([0-9]{1,18})")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user a session or remember-me cookie names, if it was issued for their current
    session generation (anything else is signed out).

    A deactivated user is returned whatever the generation: they are never authenticated
    (Flask-Login's is_authenticated follows is_active), and the API can say why."""
    match = SESSION_USER_ID.fullmatch(user_id or "")
    if match is None:
        return None
    user = db.session.get(User, int(match.group(1)))
    if user is None or (user.active and user.session_generation != int(match.group(2))):
        return None
    return user


login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see this page."
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
                abort(403, f"This page needs the {minimum} role or higher.")
            return view(*args, **kwargs)
        wrapped.required_role = minimum
        return wrapped
    return decorator
