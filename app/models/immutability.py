"""Database triggers that keep published versions, their entries and the audit log unchangeable.

The services refuse these changes first; the triggers make sure no other path (a script, a
shell, a bug) can make them. Both dialects raise an integrity error (SQLSTATE 23000 on
PostgreSQL, RAISE(ABORT) on SQLite), which SQLAlchemy reports as IntegrityError.

Note for later migrations: on SQLite, a batch ("move and copy") alteration of `versions`,
`entries` or `audit_events` recreates the table without its triggers; call
`create_immutability(bind)` again at the end of such a migration.
"""
FROZEN = "('published', 'superseded')"
# Every column of a frozen version except state and superseded_at, which change once on supersede.
FROZEN_VERSION_COLUMNS = ("id", "number", "title", "effective_from", "based_on_id", "created_by_id",
                          "created_at", "submitted_at", "published_at", "change", "document", "sha256",
                          "sent_back_reason")
MESSAGE_ENTRY = "accord: the entries of a published version cannot change"
MESSAGE_VERSION = "accord: a published version cannot change (it may only be superseded)"
MESSAGE_VERSION_DELETE = "accord: a published version cannot be deleted"
MESSAGE_AUDIT = "accord: the audit log is append-only"


def _version_changed(distinct: str) -> str:
    """SQL that is true when NEW differs from OLD in a way a frozen version never may."""
    columns = " OR ".join(f"NEW.{c} {distinct} OLD.{c}" for c in FROZEN_VERSION_COLUMNS)
    supersede = "(OLD.state = 'published' AND NEW.state = 'superseded')"
    return (f"({columns}"
            f" OR (NEW.state {distinct} OLD.state AND NOT {supersede})"
            f" OR (NEW.superseded_at {distinct} OLD.superseded_at AND NOT {supersede}))")


POSTGRESQL_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION accord_entries_immutable() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
            SELECT 1 FROM versions WHERE id = OLD.version_id AND state IN {FROZEN}) THEN
            RAISE EXCEPTION '{MESSAGE_ENTRY}' USING ERRCODE = '23000';
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
            SELECT 1 FROM versions WHERE id = NEW.version_id AND state IN {FROZEN}) THEN
            RAISE EXCEPTION '{MESSAGE_ENTRY}' USING ERRCODE = '23000';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE TRIGGER accord_entries_immutable BEFORE INSERT OR UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION accord_entries_immutable()
    """,
    f"""
    CREATE OR REPLACE FUNCTION accord_versions_immutable() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.state IN {FROZEN} THEN
                RAISE EXCEPTION '{MESSAGE_VERSION_DELETE}' USING ERRCODE = '23000';
            END IF;
            RETURN OLD;
        END IF;
        IF OLD.state IN {FROZEN} AND {_version_changed("IS DISTINCT FROM")} THEN
            RAISE EXCEPTION '{MESSAGE_VERSION}' USING ERRCODE = '23000';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE TRIGGER accord_versions_immutable BEFORE UPDATE OR DELETE ON versions
    FOR EACH ROW EXECUTE FUNCTION accord_versions_immutable()
    """,
    f"""
    CREATE OR REPLACE FUNCTION accord_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE_AUDIT}' USING ERRCODE = '23000';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE TRIGGER accord_audit_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION accord_audit_append_only()
    """,
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS accord_audit_append_only ON audit_events",
    "DROP TRIGGER IF EXISTS accord_versions_immutable ON versions",
    "DROP TRIGGER IF EXISTS accord_entries_immutable ON entries",
    "DROP FUNCTION IF EXISTS accord_audit_append_only()",
    "DROP FUNCTION IF EXISTS accord_versions_immutable()",
    "DROP FUNCTION IF EXISTS accord_entries_immutable()",
]


def _sqlite_trigger(name: str, timing: str, condition: str, message: str) -> str:
    return (f"CREATE TRIGGER IF NOT EXISTS {name} {timing} FOR EACH ROW WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


SQLITE_TRIGGERS = {
    "accord_entries_no_insert": ("BEFORE INSERT ON entries",
                                 f"(SELECT state FROM versions WHERE id = NEW.version_id) IN {FROZEN}",
                                 MESSAGE_ENTRY),
    "accord_entries_no_update": ("BEFORE UPDATE ON entries",
                                 f"(SELECT state FROM versions WHERE id = OLD.version_id) IN {FROZEN} "
                                 f"OR (SELECT state FROM versions WHERE id = NEW.version_id) IN {FROZEN}",
                                 MESSAGE_ENTRY),
    "accord_entries_no_delete": ("BEFORE DELETE ON entries",
                                 f"(SELECT state FROM versions WHERE id = OLD.version_id) IN {FROZEN}",
                                 MESSAGE_ENTRY),
    "accord_versions_no_update": ("BEFORE UPDATE ON versions",
                                  f"OLD.state IN {FROZEN} AND {_version_changed('IS NOT')}",
                                  MESSAGE_VERSION),
    "accord_versions_no_delete": ("BEFORE DELETE ON versions", f"OLD.state IN {FROZEN}",
                                  MESSAGE_VERSION_DELETE),
    "accord_audit_no_update": ("BEFORE UPDATE ON audit_events", "1", MESSAGE_AUDIT),
    "accord_audit_no_delete": ("BEFORE DELETE ON audit_events", "1", MESSAGE_AUDIT),
}

SQLITE_CREATE = [_sqlite_trigger(name, *spec) for name, spec in SQLITE_TRIGGERS.items()]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def statements(dialect: str, create: bool = True) -> list[str]:
    """The DDL that creates (or drops) the triggers on this dialect."""
    if dialect == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    if dialect == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    raise RuntimeError(f"No immutability triggers for the {dialect} dialect.")


def create_immutability(bind) -> None:
    """Install the triggers on a connection (used by the migration)."""
    for statement in statements(bind.dialect.name, create=True):
        bind.exec_driver_sql(statement)


def drop_immutability(bind) -> None:
    """Remove the triggers (the migration's downgrade)."""
    for statement in statements(bind.dialect.name, create=False):
        bind.exec_driver_sql(statement)
