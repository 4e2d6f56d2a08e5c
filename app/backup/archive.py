"""The backup file: its format, its seal, and the checks that run before anything is written."""
import base64
import hashlib
import hmac
import json
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, LargeBinary

from app.canonical import canonical_json

FORMAT = "accord-backup"
FORMAT_VERSION = 2  # 1 was sealed with a plain SHA-256, which anyone who edits the file can recompute
SEAL_ALGORITHM = "hmac-sha256"
FROZEN_STATES = ("published", "superseded")
OPEN_STATES = ("draft", "in_review")
# Rows that belong to one version and are restored with it.
VERSION_CHILDREN = ("entries", "approvals", "comments")
# Search indexes rebuilt from published documents: not backed up, emptied on restore.
DERIVED_TABLES = ("glossary_terms", "glossary_search_state")


def backed_up_tables(metadata) -> list:
    """The tables a backup holds, in dependency order."""
    return [table for table in metadata.sorted_tables if table.name not in DERIVED_TABLES]


class BackupError(ValueError):
    """A backup file that cannot be restored, or a database that refuses it; nothing was changed."""


def seal_key(secret: str) -> bytes:
    """The key a backup is sealed with, derived from a secret that is never written into the file:
    the deployment's SECRET_KEY, or the --key given to export and import."""
    if not secret:
        raise BackupError("A backup needs a key to seal or check it: set SECRET_KEY or give --key.")
    return hmac.new(secret.encode("utf-8"), b"accord backup seal", hashlib.sha256).digest()


def seal(document: dict, key: bytes) -> str:
    """HMAC-SHA256 hex of the canonical file, its own seal left out."""
    sealed = {name: value for name, value in document.items() if name != "checksum"}
    return hmac.new(key, canonical_json(sealed), hashlib.sha256).hexdigest()


def dump_value(column, value):
    """A column value as JSON can hold it (bytes as base64, dates as ISO 8601)."""
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(column.type, (DateTime, Date)):
        return value.isoformat()
    return value


def load_value(column, value):
    """The inverse of dump_value; raises ValueError on a value of the wrong shape."""
    if value is None or isinstance(column.type, JSON):
        return value
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value, validate=True)
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def wrap(content: dict, exported_at: str, key: bytes) -> dict:
    """The whole file: format marker, version, content, and the seal over all of them."""
    document = {"format": FORMAT, "format_version": FORMAT_VERSION, "exported_at": exported_at, "content": content}
    return {**document, "checksum": {"algorithm": SEAL_ALGORITHM, "value": seal(document, key)}}


def parse(raw: bytes, tables: dict, key: bytes) -> dict:
    """Check a backup file completely and return its tables as rows of Python values."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BackupError(f"The file is not valid JSON (truncated or damaged?): {error}") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"This is not an Accord backup (expected \"format\": \"{FORMAT}\").")
    if data.get("format_version") == 1:
        raise BackupError("This backup has format version 1: its plain SHA-256 checksum can be recomputed by "
                          "anyone who edits the file, so it cannot be trusted. Restore it with the Accord "
                          "release that wrote it, then export it again with this one.")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format version {data.get('format_version')!r}; "
                          f"this Accord reads version {FORMAT_VERSION}.")
    given = data.get("checksum") if isinstance(data.get("checksum"), dict) else {}
    if given.get("algorithm") != SEAL_ALGORITHM or not isinstance(given.get("value"), str) or \
            not hmac.compare_digest(given["value"], seal(data, key)):
        raise BackupError("The backup's seal does not match: the file was changed after it was exported, or it "
                          "was sealed with another key (a backup from another deployment needs that "
                          "deployment's SECRET_KEY, or the --key it was exported with, given as --key).")
    content = data.get("content")
    if not isinstance(content, dict) or not isinstance(content.get("tables"), dict):
        raise BackupError("The backup has no content.")
    rows = {name: _load_table(tables, name, table_rows) for name, table_rows in content["tables"].items()}
    _check_versions(rows.get("versions", []))
    known = {row.get("id") for row in rows.get("versions", [])}
    for name in VERSION_CHILDREN:
        if any(row.get("version_id") not in known for row in rows.get(name, [])):
            raise BackupError(f"Table '{name}' has rows of versions that are not in the backup.")
    return rows


def _load_table(tables: dict, name: str, table_rows) -> list[dict]:
    table = tables.get(name)
    if table is None:
        raise BackupError(f"The backup has a table '{name}' this database does not know.")
    if not isinstance(table_rows, list):
        raise BackupError(f"Table '{name}' is not a list of rows.")
    loaded = []
    for row in table_rows:
        if not isinstance(row, dict):
            raise BackupError(f"Table '{name}' has a row that is not an object.")
        unknown = set(row) - set(table.columns.keys())
        if unknown:
            raise BackupError(f"Table '{name}' has unknown columns: {', '.join(sorted(unknown))}.")
        try:
            loaded.append({key: load_value(table.columns[key], value) for key, value in row.items()})
        except (TypeError, ValueError) as error:
            raise BackupError(f"Table '{name}' has a value of the wrong shape: {error}") from error
    return loaded


def _check_versions(versions: list[dict]) -> None:
    """Published bytes must match their SHA-256; at most one version published and one open."""
    for row in versions:
        if row.get("state") in FROZEN_STATES:
            document = row.get("document")
            if document is None or hashlib.sha256(document).hexdigest() != row.get("sha256"):
                raise BackupError(f"Version {row.get('number') or row.get('id')}: its published bytes "
                                  "do not match their SHA-256; the file was tampered with or damaged.")
    for states, what in ((("published",), "published"), (OPEN_STATES, "open")):
        if sum(1 for row in versions if row.get("state") in states) > 1:
            raise BackupError(f"The backup has more than one {what} version.")
