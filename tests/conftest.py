"""Fixtures: app, client, runner, db, users and sign-in, a live server and Chromium.

The suite runs on a fresh SQLite file per test by default, and on PostgreSQL when
TEST_DATABASE_URL is set: a database of its own is created for each test process (each
pytest-xdist worker) and emptied after each test. Either way the schema comes from the
migrations, as in production. Nothing is shared between workers: files live under each
worker's tmp_path and live servers listen on ports the system hands out.
"""
import os
import re
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-use")
os.environ.setdefault("ACCORD_ENV", "development")
os.environ.pop("ACCORD_BASE_URL", None)  # tests that need one set it; the rest answer any Host

from app import create_app  # noqa: E402
from app.extensions import db as _db  # noqa: E402
from app.models import Team, User  # noqa: E402
from app.transactions import transaction  # noqa: E402

PASSWORD = "correct horse battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")
CHROMIUM = "/usr/bin/chromium"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def _driver_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def upgrade_database(url: str) -> None:
    """Create the schema with the migrations (flask db upgrade)."""
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        _db.engine.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL database created for this run (None on SQLite runs)."""
    if not TEST_DATABASE_URL:
        yield None
        return
    server = make_url(_driver_url(TEST_DATABASE_URL))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"accord_test_{worker}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    upgrade_database(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with no schema at all, for tests of the migrations themselves; dropped after."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = make_url(_driver_url(TEST_DATABASE_URL))
    name = f"accord_empty_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(request, tmp_path):
    """The database URL for one test: a fresh SQLite copy, or the run's PostgreSQL database."""
    pg = request.getfixturevalue("postgres_url")
    if pg:
        yield pg
        _truncate_all(pg)
        return
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "accord.db"
    shutil.copy(template, path)
    yield f"sqlite:///{path}"


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    tables = [t.name for t in _db.metadata.sorted_tables]
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app_config():
    """Config overrides for the app fixture; a module may override it (`{**app_config, ...}`).

    No background webhook pass after a publish: it would outlive the test's database (the
    webhook tests turn it on where they test it)."""
    return {"TESTING": True, "WTF_CSRF_ENABLED": False, "SERVER_NAME": None,
            "WEBHOOKS_DELIVER_AFTER_PUBLISH": False}


@pytest.fixture
def app(database_url, app_config):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": database_url})

    @app.teardown_request
    def _forget_signed_in_user(_error):
        # Test requests reuse this fixture's app context, so its `g`: Flask-Login's cached user
        # and Flask-Babel's language and time zone would otherwise carry over from one client's
        # request to the next client's.
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    with app.app_context():
        from app.admin.services import ensure_core_teams
        with transaction():
            ensure_core_teams()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Factory: make_user(role="reader", team="marketing", email=None, active=True) -> User."""
    counter = {"n": 0}

    def make(role="reader", team="marketing", email=None, active=True, name=None):
        counter["n"] += 1
        team_row = _db.session.scalar(_db.select(Team).where(Team.slug == team))
        if team_row is None:
            team_row = Team(slug=team, name=team.replace("-", " ").title())
            _db.session.add(team_row)
        user = User(email=email or f"{role}-{team}-{counter['n']}@example.com",
                    name=name or f"{team.title()} {role.title()} {counter['n']}",
                    team=team_row, role=role, active=active, password_hash=_PASSWORD_HASH)
        _db.session.add(user)
        _db.session.commit()
        return user

    return make


def sign_in(client, user) -> None:
    """Mark a test client as signed in as `user` (the login form has tests of its own)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()  # "<id>:<session generation>"
        session["_fresh"] = True


@pytest.fixture
def approvers(make_user) -> list:
    """One approver of each team whose signature publishes: marketing, then sales."""
    return [make_user("approver", "marketing"), make_user("approver", "sales")]


@pytest.fixture
def people(make_user, approvers) -> dict:
    """The cast of the version life cycle, by part: editors and approvers of both teams, a reader, an admin."""
    return {
        "editor": make_user("editor", "marketing"),
        "sales_editor": make_user("editor", "sales"),
        "marketing_approver": approvers[0],
        "sales_approver": approvers[1],
        "reader": make_user("reader", "sales"),
        "admin": make_user("admin", "sales"),
    }


@pytest.fixture
def login_as(app, make_user):
    """login_as(role, team="marketing") -> a test client signed in as a new user of that role."""
    def login(role="reader", team="marketing", **kwargs):
        user = make_user(role=role, team=team, **kwargs)
        client = app.test_client()
        sign_in(client, user)
        client.user = user
        return client

    return login


# --- a real server and a real browser -------------------------------------------------------

def sign_in_page(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form in Chromium and wait until the header says so."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


@pytest.fixture
def live_server(database_url):
    """The app served over HTTP on 127.0.0.1 in a thread, CSRF on, as in production."""
    app = create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        from app.admin.services import ensure_core_teams
        with transaction():
            ensure_core_teams()
    # Port 0: the system picks a free port as it binds, so parallel workers never race for one.
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Debian's Chromium, never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return {
        "headless": True,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def browser_context_args(live_server):
    """Each browser test's pages resolve relative URLs against its own live server."""
    return {"base_url": live_server.url, "viewport": {"width": 1280, "height": 900}}


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot and the HTML of a failed browser test as artefacts."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed or "page" not in item.funcargs:
        return
    page = item.funcargs["page"]
    out = Path(item.config.rootpath) / "test-results" / item.nodeid.replace("::", ".").replace("/", "_")
    out.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(out / "screenshot.png"), full_page=True)
        (out / "page.html").write_text(page.content())
    except Exception:  # the page may be gone; the failure itself is what matters
        pass
