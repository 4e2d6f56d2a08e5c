"""Teams, users and login attempts."""
import secrets
import time
from datetime import datetime
from functools import cache

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, event, false, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.messages import N_
from app.models.base import utcnow

ROLES = ("reader", "editor", "approver", "admin")
ROLE_NAMES = (N_("reader"), N_("editor"), N_("approver"), N_("admin"))  # for the catalogue: pages show _(role)
PASSWORD_METHOD = "scrypt"
# Changing any of these signs the user out everywhere: sessions and remember-me cookies.
REVOKING_ATTRIBUTES = ("password_hash", "role", "team_id", "team", "active")
CORE_TEAMS = {"marketing": "Marketing", "sales": "Sales"}


def role_at_least(role: str | None, minimum: str) -> bool:
    """True when `role` ranks at or above `minimum` in reader < editor < approver < admin."""
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(minimum)


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # Whether this team must sign a version before it is published (the approval policy).
    required_for_approval: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="team")

    def __repr__(self) -> str:
        return f"<Team {self.slug}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    role: Mapped[str] = mapped_column(String(20), default="reader")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of every session's and remember-me cookie's user id: bumping it revokes them all.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set by an admin: the next sign-in must choose a new password before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The person's own language and time zone; None follows the browser and ACCORD_TIMEZONE.
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))

    team: Mapped[Team] = relationship(back_populates="users", lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Flask-Login's alternative token: a cookie names the generation it was issued for."""
        return f"{self.id}:{self.session_generation or 0}"

    def session_token(self) -> str:
        """What signing in stores in the session and the remember-me cookie: get_id() and the
        time it was issued, so that neither outlives 30 days."""
        return f"{self.get_id()}:{int(time.time())}"

    def revoke_sessions(self) -> None:
        """Invalidate every session and remember-me cookie issued so far."""
        self.session_generation = (self.session_generation or 0) + 1

    def set_password(self, password: str) -> None:
        """Hash a new password; a weak one is refused here too, whoever sets it."""
        from app.auth.passwords import check_password_strength

        check_password_strength(password, self.email)
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    def has_role(self, minimum: str) -> bool:
        return self.active and role_at_least(self.role, minimum)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


@event.listens_for(User, "before_update")
def _revoke_sessions_on_sensitive_change(_mapper, _connection, user: User) -> None:
    """A new password, role or team, or (de)activation, ends every session issued before it."""
    state = inspect(user)
    if any(state.attrs[name].history.has_changes() for name in REVOKING_ATTRIBUTES) \
            and not state.attrs.session_generation.history.has_changes():
        user.revoke_sessions()


@cache
def _dummy_hash() -> str:
    """A hash of a random password with the same method and cost as real ones."""
    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; without an account, check it against a dummy hash so that an unknown
    email takes as long to refuse as a wrong password."""
    matches = check_password_hash(password_hash or _dummy_hash(), password or "")
    return matches and password_hash is not None


class LoginAttempt(db.Model):
    """Counted sign-in attempts from one address, for one account (`email`) or for all accounts
    (`email` empty); in the database so every worker and host sees the same count."""
    __tablename__ = "login_attempts"
    __table_args__ = (UniqueConstraint("email", "address", name="uq_login_attempts_email_address"),
                      Index("ix_login_attempts_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    # Attempts counted since the streak began (a success takes its own back).
    failures: Mapped[int] = mapped_column(default=1, server_default="1")
    # When the last attempt was counted: the growing delay runs from here.
    at: Mapped[datetime] = mapped_column(default=utcnow)
