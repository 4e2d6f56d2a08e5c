"""Role checks: one decorator, one helper, no ad-hoc ifs in views."""
from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import db, login_manager
from app.models import User, role_at_least


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


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
