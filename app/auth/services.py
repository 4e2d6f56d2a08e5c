"""Authentication rules: checking credentials, changing passwords, forcing a reset."""
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.audit import record_event
from app.auth import throttle
from app.auth.passwords import check_password_strength
from app.extensions import db
from app.models import User
from app.models.accounts import verify_password


class LoginRefused(Exception):
    """Sign-in refused, with a message the person can act on (in their language: only pages sign in)."""


class LoginThrottled(LoginRefused):
    """Too many recent failures for this account at this address, or for this address."""

    def __init__(self, retry_after: int):
        super().__init__(_wait_message(retry_after))
        self.retry_after = retry_after


def _wait_message(seconds: int) -> str:
    """How long to wait, in seconds up to a minute and a half, else in whole minutes."""
    if seconds < 90:
        return ngettext("Too many failed sign-ins. Please wait %(num)d second before trying again.",
                        "Too many failed sign-ins. Please wait %(num)d seconds before trying again.", seconds)
    return ngettext("Too many failed sign-ins. Please wait %(num)d minute before trying again.",
                    "Too many failed sign-ins. Please wait %(num)d minutes before trying again.", -(-seconds // 60))


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str, address: str) -> User:
    """Return the user these credentials belong to, or raise LoginRefused.

    Every attempt is counted before the password is checked; an unknown email is checked against a
    dummy hash, so it costs the same as a wrong password and cannot be told apart by timing."""
    email = normalise_email(email)
    try:
        claim = throttle.claim_attempt(email, address)
    except throttle.Throttled as refused:
        raise LoginThrottled(refused.retry_after) from refused
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        raise LoginRefused(_("Wrong email or password."))
    throttle.settle_success(claim)
    if not user.active:
        raise LoginRefused(_("This account has been deactivated. Ask an admin to reactivate it."))
    return user


def check_current_password(user: User, password: str, address: str) -> bool:
    """Whether `password` is the user's own; counted like a sign-in, so a borrowed session cannot
    be used to guess it."""
    try:
        claim = throttle.claim_attempt(user.email, address)
    except throttle.Throttled as refused:
        raise LoginThrottled(refused.retry_after) from refused
    if not user.check_password(password):
        return False
    throttle.settle_success(claim)
    return True


def change_password(user: User, new_password: str, by: User | None = None) -> User:
    """Set a new password (`by` whoever did it: the user, or None on the command line); every
    session and remember-me cookie of the user issued before ends."""
    check_password_strength(new_password, user.email)
    user.set_password(new_password)
    user.must_change_password = False
    record_event("user.password_changed", user=by, summary=f"Changed the password of {user.email}")
    db.session.flush()
    return user


def rename_account(user: User, name: str) -> User:
    """Change one's own display name."""
    before = {"name": user.name}
    user.name = name.strip()
    record_event("user.changed", user=user, summary=f"{user.email} renamed themselves",
                 before=before, after={"name": user.name})
    db.session.flush()
    return user


def set_preferences(user: User, locale: str | None, timezone: str | None) -> User:
    """One's own interface language and time zone (None: follow the browser, the portal's zone)."""
    before = {"locale": user.locale, "timezone": user.timezone}
    user.locale, user.timezone = locale or None, timezone or None
    record_event("user.changed", user=user, summary=f"{user.email} chose language and time zone",
                 before=before, after={"locale": user.locale, "timezone": user.timezone})
    db.session.flush()
    return user


def force_password_reset(user: User, by: User | None = None) -> User:
    """Sign the user out everywhere; their next sign-in must choose a new password first."""
    user.must_change_password = True
    user.revoke_sessions()
    record_event("user.password_reset_forced", user=by, summary=f"Forced a password reset for {user.email}")
    db.session.flush()
    return user


def sign_out_everywhere(user: User) -> None:
    """End every session and remember-me cookie of the user (signing out does this)."""
    user.revoke_sessions()
    db.session.flush()
