"""Published versions, their entries and the audit log cannot change: database triggers, both dialects."""
import uuid

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.audit import record_event
from app.extensions import db as _db
from app.models import AuditEvent, Entry, Version
from app.models.base import utcnow
from tests.conftest import TEST_DATABASE_URL, _driver_url
from tests.factories import make_draft, make_entry, make_published


@pytest.fixture
def published(app):
    return make_published([make_entry("lifecycle_stages", "mql", position=3, owner_team="marketing",
                                      entry_criteria="Score of 50", score_threshold=50),
                           make_entry("terms", "handover")])


def refused(statement: str, **params):
    """Run raw SQL and expect the database to refuse it."""
    with pytest.raises(IntegrityError, match="accord: "):
        _db.session.execute(text(statement), params)
        _db.session.commit()
    _db.session.rollback()


def test_updating_a_published_entry_through_the_orm_fails(db, published):
    entry = published.entries[0]
    entry.definition = "Rewritten after signing."
    with pytest.raises(IntegrityError, match="entries of a published version cannot change"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Entry, entry.id).definition != "Rewritten after signing."


@pytest.mark.parametrize("statement", [
    "UPDATE entries SET definition = 'changed' WHERE version_id = :v",
    "UPDATE entries SET fields = '{}' WHERE version_id = :v",
    "UPDATE entries SET version_id = version_id WHERE version_id = :v",
    "DELETE FROM entries WHERE version_id = :v",
    "INSERT INTO entries (version_id, section, key, name, definition, team, position, deprecated, fields, "
    "revision, updated_at) VALUES (:v, 'terms', 'sneaky', 'Sneaky', '', 'sales', 0, false, '{}', 1, '2030-01-01')",
])
def test_raw_sql_cannot_change_published_entries(db, published, statement):
    refused(statement, v=published.id)
    assert db.session.execute(text("SELECT count(*) FROM entries WHERE version_id = :v AND definition LIKE "
                                   "'The definition of %'"), {"v": published.id}).scalar() == 2


def test_an_entry_cannot_be_moved_into_a_published_version(db, published):
    draft = make_draft([make_entry("terms", "churn")])
    refused("UPDATE entries SET version_id = :p WHERE version_id = :d", p=published.id, d=draft.id)


@pytest.mark.parametrize("assignment", [
    "number = '9.9.9'", "document = NULL", "sha256 = 'x'", "published_at = '2000-01-01 00:00:00'",
    "title = 'Other'", "effective_from = '2000-01-01'", "change = 'patch'", "state = 'draft'",
    "state = 'in_review'", "superseded_at = '2000-01-01 00:00:00'",
])
def test_a_published_version_cannot_change(db, published, assignment):
    refused(f"UPDATE versions SET {assignment} WHERE id = :v", v=published.id)


def test_a_published_version_cannot_change_through_the_orm(db, published):
    published.sha256 = "0" * 64
    with pytest.raises(IntegrityError, match="published version cannot change"):
        db.session.commit()
    db.session.rollback()


def test_a_published_version_cannot_be_deleted(db, published):
    refused("DELETE FROM versions WHERE id = :v", v=published.id)


def test_superseding_is_the_one_allowed_change(db, published):
    db.session.execute(text("UPDATE versions SET state = 'superseded', superseded_at = :at WHERE id = :v"),
                       {"at": utcnow(), "v": published.id})
    db.session.commit()
    for statement in ("UPDATE versions SET state = 'published' WHERE id = :v",
                      "UPDATE versions SET superseded_at = '2000-01-01 00:00:00' WHERE id = :v",
                      "UPDATE versions SET number = '0.0.1' WHERE id = :v",
                      "UPDATE entries SET name = 'x' WHERE version_id = :v",
                      "DELETE FROM versions WHERE id = :v"):
        refused(statement, v=published.id)


def test_a_no_op_update_of_a_frozen_version_is_allowed(db, published):
    db.session.execute(text("UPDATE versions SET state = state WHERE id = :v"), {"v": published.id})
    db.session.commit()


def test_drafts_stay_editable(db, published):
    draft = make_draft([make_entry("terms", "churn")])
    db.session.execute(text("UPDATE entries SET definition = 'ok' WHERE version_id = :v"), {"v": draft.id})
    db.session.execute(text("UPDATE versions SET title = 'Renamed' WHERE id = :v"), {"v": draft.id})
    db.session.execute(text("DELETE FROM entries WHERE version_id = :v"), {"v": draft.id})
    db.session.commit()
    assert db.session.get(Version, draft.id).title == "Renamed"


def test_the_factory_path_draft_to_published_is_allowed(db, published):
    second = make_published([make_entry("terms", "churn")], number="1.1.0")
    db.session.expire_all()
    assert (second.state, published.state) == ("published", "superseded")


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET summary = 'rewritten'",
                                       "DELETE FROM audit_events"])
def test_the_audit_log_is_append_only(db, make_user, statement):
    record_event("test.event", user=make_user("admin"), summary="original")
    db.session.commit()
    refused(statement)
    assert db.session.scalars(_db.select(AuditEvent.summary).where(AuditEvent.action == "test.event")).one() == "original"


def test_the_audit_log_is_append_only_through_the_orm(db):
    event = record_event("test.event", summary="original")
    db.session.commit()
    db.session.delete(event)
    with pytest.raises(IntegrityError, match="append-only"):
        db.session.commit()
    db.session.rollback()


# --- the migration installs and removes the triggers ------------------------------------------



def trigger_names(engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        else:
            rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
        return {row[0] for row in rows if row[0].startswith("accord_")}


def test_migration_0002_installs_and_removes_the_triggers(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade(revision="0002")
        installed = trigger_names(_db.engine)
        assert installed and all(name.startswith("accord_") for name in installed)
        downgrade(revision="0001")
        assert trigger_names(_db.engine) == set()
        assert "versions" in inspect(_db.engine).get_table_names()
        upgrade(revision="heads")
        assert trigger_names(_db.engine) >= installed
        _db.engine.dispose()
