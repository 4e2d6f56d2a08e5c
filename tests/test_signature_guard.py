"""The database's guard: one person signs a version once, whatever path writes the approval."""
import uuid

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db as _db
from app.models import Approval
from tests.conftest import TEST_DATABASE_URL, _driver_url
from tests.factories import make_draft, make_entry, make_published


def test_a_second_signature_by_one_person_is_refused_by_the_database(db, make_user):
    person = make_user("admin", team="marketing")
    version = make_draft([make_entry("terms", "lead")])
    version.state = "in_review"
    db.session.add(Approval(version_id=version.id, team="marketing", user_id=person.id, content_hash="0" * 64))
    db.session.commit()
    db.session.add(Approval(version_id=version.id, team="sales", user_id=person.id, content_hash="0" * 64))
    with pytest.raises(IntegrityError, match="one person signs a version once"):
        db.session.commit()
    db.session.rollback()
    other = make_user("approver", team="sales")
    db.session.add(Approval(version_id=version.id, team="sales", user_id=other.id, content_hash="0" * 64))
    db.session.commit()
    moved = db.session.scalars(select(Approval).where(Approval.user_id == other.id)).one()
    moved.user_id = person.id
    with pytest.raises(IntegrityError, match="one person signs a version once"):
        db.session.commit()
    db.session.rollback()


def test_signatures_of_published_versions_stay_history(db, make_user):
    person = make_user("admin", team="marketing")
    version = make_published([make_entry("terms", "lead")], approvers=[person])
    db.session.add(Approval(version_id=version.id, team="sales", user_id=person.id, content_hash="0" * 64))
    db.session.commit()  # what an older release let through stays readable and restorable
    assert len(db.session.scalars(select(Approval).where(Approval.version_id == version.id)).all()) == 2




def test_the_migration_drops_second_signatures_under_review_and_keeps_history(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade(revision="0006")
        with _db.engine.begin() as conn:
            conn.execute(text("INSERT INTO teams (id, slug, name, required_for_approval, created_at) VALUES "
                              "(1, 'marketing', 'Marketing', true, CURRENT_TIMESTAMP), (2, 'sales', 'Sales', true, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO users (id, email, name, password_hash, team_id, role, active, created_at, "
                              "session_generation, must_change_password) VALUES (1, 'a@example.com', 'A', 'x', 1, "
                              "'admin', true, CURRENT_TIMESTAMP, 0, false)"))
            conn.execute(text("INSERT INTO versions (id, state, title, created_at) VALUES "
                              "(1, 'in_review', 'SLA', CURRENT_TIMESTAMP), (2, 'in_review', 'SLA', CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO approvals (id, version_id, team, user_id, at, content_hash) VALUES "
                              "(1, 1, 'marketing', 1, CURRENT_TIMESTAMP, 'h'), (2, 1, 'sales', 1, CURRENT_TIMESTAMP, 'h'), "
                              "(3, 2, 'marketing', 1, CURRENT_TIMESTAMP, 'h'), (4, 2, 'sales', 1, CURRENT_TIMESTAMP, 'h')"))
            conn.execute(text("UPDATE versions SET state = 'published', number = '1.0.0', change = 'major', "
                              "published_at = CURRENT_TIMESTAMP, document = :d, sha256 = 'x' WHERE id = 2"),
                         {"d": b"{}"})
        upgrade(revision="0007")
        with _db.engine.connect() as conn:
            kept = conn.execute(text("SELECT id FROM approvals ORDER BY id")).scalars().all()
            indexes = {row["name"] for row in _db.inspect(conn).get_indexes("comments")}
        assert kept == [1, 3, 4], "the second signature under review is dropped; the published one is history"
        assert "ix_comments_author_created" in indexes
        with pytest.raises(IntegrityError):
            with _db.engine.begin() as conn:
                conn.execute(text("INSERT INTO approvals (version_id, team, user_id, at, content_hash) "
                                  "VALUES (1, 'sales', 1, CURRENT_TIMESTAMP, 'h')"))
        downgrade(revision="0006")
        with _db.engine.begin() as conn:
            conn.execute(text("INSERT INTO approvals (version_id, team, user_id, at, content_hash) "
                              "VALUES (1, 'sales', 1, CURRENT_TIMESTAMP, 'h')"))
        _db.engine.dispose()
