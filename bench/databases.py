"""Scratch databases for a run: SQLite files in a temporary folder, or PostgreSQL databases
named accord_bench_<pid>_<label> on the configured server. Each gets the schema from the
migrations, as production does, and every one is dropped when the run ends."""
import os
import socket
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def driver_url(url: str) -> str:
    """The SQLAlchemy URL with psycopg 3 named, as the app's config does."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def postgres_server_url() -> str | None:
    """BENCH_DATABASE_URL when set, else the local server when it answers, else None."""
    configured = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if configured:
        return driver_url(configured)
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            pass
    except OSError:
        return None
    url = driver_url(DEFAULT_POSTGRES)
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:  # a server that refuses us is the same as no server
        return None
    return url


class Databases:
    """Creates scratch databases of one kind and drops them all in close()."""

    def __init__(self, kind: str, workdir: Path, server_url: str | None = None):
        self.kind = kind
        self.workdir = workdir
        self.server_url = server_url
        self.created: list[str] = []

    def create(self, label: str) -> str:
        """A new migrated database; returns its SQLAlchemy URL."""
        if self.kind == "sqlite":
            url = f"sqlite:///{self.workdir / f'{label}.db'}"
        else:
            server = make_url(self.server_url)
            name = f"accord_bench_{os.getpid()}_{label}"
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = server.set(database=name).render_as_string(hide_password=False)
        self.created.append(url)
        migrate(url)
        return url

    def close(self) -> None:
        """Drop every PostgreSQL database this run made (SQLite files go with the folder)."""
        if self.kind != "postgresql":
            return
        server = make_url(self.server_url)
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for url in self.created:
                name = make_url(url).database
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        self.created.clear()


def migrate(url: str) -> None:
    """flask db upgrade on this database (Alembic's progress lines are kept out of the report)."""
    import contextlib
    import io
    import logging
    import sys

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):
        upgrade(revision="heads")
        db.engine.dispose()
    # Alembic's logging file config pointed the root handler at the silenced stream: point it back.
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setStream(sys.stderr)
