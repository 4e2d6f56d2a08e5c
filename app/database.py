"""Engine settings that depend on the database in use."""
import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from app.extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def engine_options(url: str) -> dict:
    """PostgreSQL connections are checked before each use (a restarted server drops them); a SQLite
    file cannot drop a connection, so it is spared that extra statement per request."""
    return {} if url.startswith("sqlite") else {"pool_pre_ping": True}


def create_private_sqlite_file(url: str) -> None:
    """Create a SQLite database file that does not exist yet readable by its owner only (it holds
    password hashes); SQLite would create it with the umask's mode, and gives its WAL files the same."""
    parsed = make_url(url)
    path = parsed.database
    if not parsed.drivername.startswith("sqlite") or not path or path == ":memory:" or path.startswith("file:"):
        return
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), mode=0o700, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def configure_engine_events(app: Flask) -> None:
    """SQLite runs with foreign keys on and WAL; nothing to do for PostgreSQL."""
    create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
            event.listen(engine, "connect", _sqlite_pragmas)
