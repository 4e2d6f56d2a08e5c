"""Engine settings that depend on the database in use."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

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


def configure_engine_events(app: Flask) -> None:
    """SQLite runs with foreign keys on and WAL; nothing to do for PostgreSQL."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
            event.listen(engine, "connect", _sqlite_pragmas)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"
