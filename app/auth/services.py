"""Authentication rules: password checks and login throttling."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import LoginAttempt, User
from app.models.base import utcnow


class LoginRefused(Exception):
    """Sign-in refused, with a message the person can act on."""


class LoginThrottled(LoginRefused):
    """Too many recent failures for this account or address."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _recent_failures(email: str, address: str) -> tuple[int, int]:
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    by_email = db.session.scalar(select(func.count()).select_from(LoginAttempt)
                                 .where(LoginAttempt.email == email, LoginAttempt.at >= since))
    by_address = db.session.scalar(select(func.count()).select_from(LoginAttempt)
                                   .where(LoginAttempt.address == address, LoginAttempt.at >= since))
    return by_email or 0, by_address or 0


def is_throttled(email: str, address: str) -> bool:
    """True after too many failures for this account or this address within the window."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    by_email, by_address = _recent_failures(email, address)
    return by_email >= limit or by_address >= limit


def authenticate(email: str, password: str, address: str) -> User:
    """Return the user these credentials belong to, or raise LoginRefused."""
    email = normalise_email(email)
    if is_throttled(email, address):
        minutes = current_app.config["LOGIN_WINDOW_SECONDS"] // 60
        raise LoginThrottled(f"Too many failed sign-ins. Please wait {minutes} minutes before trying again.")
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.check_password(password):
        db.session.add(LoginAttempt(email=email, address=address))
        db.session.commit()
        raise LoginRefused("Wrong email or password.")
    if not user.active:
        raise LoginRefused("This account has been deactivated. Ask an admin to reactivate it.")
    _forget_failures(email)
    return user


def _forget_failures(email: str) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    db.session.commit()
