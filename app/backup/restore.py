"""Import: check the whole file first, then empty and refill the database in one transaction.

Published versions are immutable at the database level (triggers refuse entries inserted into
a frozen version and most updates of a frozen version), so each version is replayed the way
the life cycle wrote it: inserted as a draft with its entries, moved to review with its
comments (and approvals, which a published version gets back once published), then published,
and superseded when the next one is published.
"""
import re

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from app.backup.archive import (FROZEN_STATES, VERSION_CHILDREN, BackupError, backed_up_tables, parse,
                                seal_key)
from app.extensions import db
from app.models.accounts import CORE_TEAMS

# Columns a version only gets when it is published or superseded.
PUBLISH_COLUMNS = ("number", "published_at", "change", "document", "sha256", "effective_from")
SUPERSEDE_COLUMNS = ("superseded_at",)


def import_backup(path: str, secret: str, force: bool = False) -> dict:
    """Restore the file at `path` with its ids, if its seal matches the key derived from `secret`;
    refuses a database with data unless `force`."""
    key = seal_key(secret)
    with open(path, "rb") as handle:
        raw = handle.read()
    tables = {table.name: table for table in backed_up_tables(db.metadata)}
    rows = parse(raw, tables, key)
    db.session.remove()  # the restore runs on a connection of its own; drop cached objects
    with db.engine.connect() as connection:
        _begin(connection)
        try:
            if not force and _has_data(connection):
                raise BackupError("The database already has data; restoring would mix two databases. "
                                  "Use --force to empty it first (everything in it is lost).")
            _empty(connection)
            _insert_all(connection, rows)
            _reset_sequences(connection)
            connection.commit()
        except DBAPIError as error:
            connection.rollback()
            raise BackupError(f"The database refused the backup, nothing was changed: {error.orig}") from error
        except BaseException:
            connection.rollback()
            raise
    return {name: len(rows.get(name, [])) for name in tables}


def _begin(connection) -> None:
    """Open the one transaction; on SQLite explicitly, so the trigger DDL below is part of it."""
    connection.begin()
    if connection.dialect.name == "sqlite":
        # pysqlite would run DDL outside a transaction; BEGIN IMMEDIATE also takes the write lock now.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _has_data(connection) -> bool:
    """Any row anywhere, except the core teams an empty deployment creates by itself."""
    for table in backed_up_tables(db.metadata):
        query = select(func.count()).select_from(table)
        if table.name == "teams":
            query = query.where(table.c.slug.not_in(tuple(CORE_TEAMS)))
        if connection.execute(query).scalar():
            return True
    return False


def _empty(connection) -> None:
    """Delete every row in a way the immutability triggers allow, inside the transaction."""
    tables = db.metadata.sorted_tables
    if connection.dialect.name == "postgresql":
        # TRUNCATE fires no row triggers, so frozen versions and audit rows can go; it is transactional.
        names = ", ".join(f'"{table.name}"' for table in tables)
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return
    # SQLite has no TRUNCATE: drop the guard triggers (those that RAISE), delete, and create them
    # again from their own SQL. SQLite DDL is transactional, so a failure restores them untouched;
    # triggers that maintain other tables (search indexes) keep firing.
    guards = [(name, sql) for name, sql in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'") if "RAISE" in sql.upper()]
    for name, _ in guards:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    for table in reversed(tables):
        connection.execute(table.delete())
    for _, sql in guards:
        connection.exec_driver_sql(sql)
    # External-content FTS5 indexes were not told about the deleted rows: rebuild them (empty).
    emptied = {table.name for table in tables}
    for name, sql in connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'"):
        content = re.search(r"content\s*=\s*'([^']+)'", sql)
        if content and content.group(1) in emptied:
            connection.exec_driver_sql(f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')')


def _insert_all(connection, rows: dict) -> None:
    """Insert every table in dependency order; versions with their children, as the life cycle did."""
    for table in backed_up_tables(db.metadata):
        if table.name in VERSION_CHILDREN:
            continue
        if table.name == "versions":
            _replay_versions(connection, rows)
        elif rows.get(table.name):
            connection.execute(insert(table), rows[table.name])


def _replay_versions(connection, rows: dict) -> None:
    tables = db.metadata.tables
    versions = tables["versions"]
    children = {name: _by_version(rows.get(name, [])) for name in VERSION_CHILDREN}
    published = None
    for row in rows.get("versions", []):
        state = row.get("state")
        draft = {key: value for key, value in row.items()
                 if key not in PUBLISH_COLUMNS + SUPERSEDE_COLUMNS + ("state",)}
        connection.execute(insert(versions), [{**draft, "state": "draft"}])
        _insert_children(connection, "entries", children["entries"].get(row["id"]))
        if state != "draft":
            _set(connection, row["id"], state="in_review")
        _insert_children(connection, "comments", children["comments"].get(row["id"]))
        if state not in FROZEN_STATES:
            _insert_children(connection, "approvals", children["approvals"].get(row["id"]))
            continue
        if published is not None:
            _supersede(connection, published)
        _set(connection, row["id"], state="published", **{k: row.get(k) for k in PUBLISH_COLUMNS})
        # A published version's signatures are history, restored as they were: after publishing,
        # where the one-signature-per-person guard (which watches versions in review) lets them be.
        _insert_children(connection, "approvals", children["approvals"].get(row["id"]))
        published = row
    if published is not None and published.get("state") == "superseded":
        _supersede(connection, published)


def _supersede(connection, row: dict) -> None:
    if row.get("state") != "superseded":
        raise BackupError(f"Version {row.get('number')} is published but a later version is too.")
    _set(connection, row["id"], state="superseded", **{k: row.get(k) for k in SUPERSEDE_COLUMNS})


def _set(connection, version_id: int, **values) -> None:
    versions = db.metadata.tables["versions"]
    connection.execute(update(versions).where(versions.c.id == version_id).values(**values))


def _insert_children(connection, name: str, rows: list | None) -> None:
    if rows:
        connection.execute(insert(db.metadata.tables[name]), rows)


def _by_version(rows: list[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row.get("version_id"), []).append(row)
    return grouped


def _reset_sequences(connection) -> None:
    """On PostgreSQL, move each id sequence past the ids just inserted."""
    if connection.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
