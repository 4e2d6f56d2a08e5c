"""The demo: teams, one user of each role in marketing and sales, and the demo SLA."""
import secrets

from flask import current_app
from sqlalchemy import func, select

from app.admin.services import create_user, ensure_core_teams
from app.extensions import db
from app.models import ROLES, User, Version

DEMO_DOMAIN = "demo.example.com"


class DemoRefused(Exception):
    """The database already has data and --force was not given."""


def database_has_data() -> bool:
    users = db.session.scalar(select(func.count()).select_from(User)) or 0
    versions = db.session.scalar(select(func.count()).select_from(Version)) or 0
    return bool(users or versions)


def create_demo_users() -> list[tuple[str, str, str]]:
    """One user of each role in marketing and sales; returns (email, role, password) rows."""
    credentials = []
    for team in ("marketing", "sales"):
        for role in ROLES:
            email = f"{team}-{role}@{DEMO_DOMAIN}"
            existing = db.session.scalar(select(User).where(User.email == email))
            password = secrets.token_urlsafe(9)
            if existing is not None:
                existing.set_password(password)
                existing.active = True
                db.session.flush()
            else:
                create_user(email, f"{team.capitalize()} {role.capitalize()}", team, role, password)
            credentials.append((email, f"{team} {role}", password))
    return credentials


def load_demo(force: bool = False) -> list[tuple[str, str, str]]:
    """Load the demo; refuses a database with data unless forced."""
    if database_has_data() and not force:
        raise DemoRefused("The database already has data; run 'flask demo --force' to load the demo anyway.")
    ensure_core_teams()
    credentials = create_demo_users()
    from app.demo.loader import load_demo_content

    load_demo_content()
    if current_app.config.get("DEMO_LEADS", not current_app.testing):  # tests load the lead data where they need it
        from app.demo.leads import load_demo_leads
        load_demo_leads()
    return credentials
