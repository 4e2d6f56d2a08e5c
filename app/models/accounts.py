"""Teams, users and login attempts."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import utcnow

ROLES = ("reader", "editor", "approver", "admin")
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

    @property
    def is_core(self) -> bool:
        return self.slug in CORE_TEAMS

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

    team: Mapped[Team] = relationship(back_populates="users", lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, minimum: str) -> bool:
        return self.active and role_at_least(self.role, minimum)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginAttempt(db.Model):
    """A failed sign-in, kept in the database so every worker and host sees the same count."""
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_email_at", "email", "at"),
                      Index("ix_login_attempts_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
