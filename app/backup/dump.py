"""Export: every table, read in one snapshot, written to one file."""
import json
import os
import tempfile

from sqlalchemy import select

from app.backup.archive import backed_up_tables, dump_value, seal_key, wrap
from app.extensions import db
from app.models.base import utcnow


def read_content(connection) -> dict:
    """Every row of every table, ordered by primary key."""
    tables = {}
    for table in backed_up_tables(db.metadata):
        order = list(table.primary_key.columns)
        rows = connection.execute(select(table).order_by(*order)).mappings()
        tables[table.name] = [{column.name: dump_value(column, row[column.name]) for column in table.columns}
                              for row in rows]
    return {"tables": tables}


def snapshot_content() -> dict:
    """The content read in a single consistent snapshot of the database."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            with connection.begin():
                return read_content(connection)
    with engine.connect() as connection:
        # pysqlite begins no transaction for SELECTs; one explicit read transaction is one snapshot.
        connection.exec_driver_sql("BEGIN")
        try:
            return read_content(connection)
        finally:
            connection.exec_driver_sql("ROLLBACK")


def export_backup(path: str, secret: str) -> dict:
    """Write the whole database to `path` (atomically), sealed with a key derived from `secret`, and
    return a row count per table."""
    key = seal_key(secret)
    document = wrap(snapshot_content(), utcnow().replace(microsecond=0).isoformat() + "Z", key)
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".accord-backup-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=1, sort_keys=True)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return {name: len(rows) for name, rows in document["content"]["tables"].items()}
