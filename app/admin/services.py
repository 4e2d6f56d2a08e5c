"""Writes on users and teams: one verb a thing an admin can do; the request commits (app/transactions.py)."""
from sqlalchemy import func, select

from app.audit import record_event
from app.auth.services import normalise_email
from app.extensions import db
from app.messages import N_, Refusal
from app.models import ROLES, Team, User
from app.models.accounts import CORE_TEAMS


class AccountError(Refusal):
    """A change to users or teams that the rules refuse (pages translate it, the command line shows English)."""


def find_team(slug: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.slug == slug))
    if team is None:
        known = ", ".join(t.slug for t in db.session.scalars(select(Team).order_by(Team.slug)))
        raise AccountError(N_("Unknown team '%(slug)s'. Known teams: %(known)s."), slug=slug, known=known or "-")
    return team


def ensure_core_teams() -> list[Team]:
    """Create marketing and sales if missing; both must sign by default."""
    teams = []
    for slug, name in CORE_TEAMS.items():
        team = db.session.scalar(select(Team).where(Team.slug == slug))
        if team is None:
            team = Team(slug=slug, name=name, required_for_approval=True)
            db.session.add(team)
        teams.append(team)
    db.session.flush()
    return teams


def create_user(email: str, name: str, team_slug: str, role: str, password: str, by=None) -> User:
    """Create an active user; refuses duplicates, unknown teams and roles, weak passwords."""
    email = normalise_email(email)
    name = (name or "").strip()
    if role not in ROLES:
        raise AccountError(N_("Unknown role '%(role)s'. Roles: %(roles)s."), role=role, roles=", ".join(ROLES))
    if not email or "@" not in email or len(email) > 254:
        raise AccountError(N_("'%(email)s' is not a valid email address."), email=email)
    if not name or len(name) > 100:
        raise AccountError(N_("A name of 1 to 100 characters is required."))
    if len(password or "") < 8:
        raise AccountError(N_("The password must have at least 8 characters."))
    if db.session.scalar(select(User).where(User.email == email)):
        raise AccountError(N_("A user with the email %(email)s already exists."), email=email)
    team = find_team(team_slug)
    user = User(email=email, name=name, team=team, role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event("user.created", user=by, summary=f"Created {email} ({role}, {team.slug})",
                 after={"email": email, "role": role, "team": team.slug})
    db.session.flush()
    return user


def _active_admin_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)
                             .where(User.role == "admin", User.active.is_(True))) or 0


def _guard_last_admin(user: User) -> None:
    if user.role == "admin" and user.active and _active_admin_count() <= 1:
        raise AccountError(N_("This is the last active admin: make someone else admin first."))


def update_user(user: User, name: str, team_slug: str, role: str, by=None) -> User:
    """Change a user's name, team and role; the last active admin keeps the admin role."""
    if role not in ROLES:
        raise AccountError(N_("Unknown role '%(role)s'. Roles: %(roles)s."), role=role, roles=", ".join(ROLES))
    team = find_team(team_slug)
    if role != "admin":
        _guard_last_admin(user)
    before = {"name": user.name, "team": user.team.slug, "role": user.role}
    user.name, user.team, user.role = name.strip(), team, role
    after = {"name": user.name, "team": team.slug, "role": role}
    record_event("user.changed", user=by, summary=f"Changed {user.email}", before=before, after=after)
    db.session.flush()
    return user


def set_user_active(user: User, active: bool, by=None) -> User:
    """Deactivate or reactivate a user; their past actions stay attributed to them."""
    if not active:
        _guard_last_admin(user)
    if user.active != active:
        user.active = active
        record_event("user.reactivated" if active else "user.deactivated", user=by,
                     summary=f"{'Reactivated' if active else 'Deactivated'} {user.email}")
        db.session.flush()
    return user


def create_team(slug: str, name: str, by=None) -> Team:
    """Add a team (e.g. customer-success)."""
    if db.session.scalar(select(Team).where(Team.slug == slug)):
        raise AccountError(N_("A team with the slug '%(slug)s' already exists."), slug=slug)
    team = Team(slug=slug, name=name.strip())
    db.session.add(team)
    record_event("team.created", user=by, summary=f"Created team {slug}", after={"slug": slug, "name": name})
    db.session.flush()
    return team


def rename_team(team: Team, name: str, by=None) -> Team:
    before = {"name": team.name}
    team.name = name.strip()
    record_event("team.changed", user=by, summary=f"Renamed team {team.slug}", before=before,
                 after={"name": team.name})
    db.session.flush()
    return team
