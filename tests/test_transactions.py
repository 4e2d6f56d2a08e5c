"""The one transaction rule: a request or CLI command commits on success and leaves nothing behind on failure."""
import pytest
from flask import abort
from sqlalchemy import create_engine, func, select, text

from app.admin.services import create_team
from app.editing import services as editing
from app.extensions import db
from app.models import AuditEvent, Entry, Team
from app.transactions import savepoint, transaction
from tests.factories import make_draft, make_entry


class Refused(Exception):
    """A service's refusal after it has already written something."""


def stored(database_url: str, sql: str):
    """What another connection sees: only committed rows."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def teams_named(database_url: str, slug: str) -> int:
    return stored(database_url, f"SELECT count(*) FROM teams WHERE slug = '{slug}'")


def _add_team_then(outcome: str):
    create_team("customer-success", "Customer success")
    db.session.flush()
    if outcome == "raise":
        raise Refused("refused after a flush")
    if outcome == "abort":
        abort(409)
    if outcome == "status":
        return "refused", 422
    return "created", 201


@pytest.fixture
def routed(app):
    """The app with a view that creates a team, then ends as the test asks."""
    app.add_url_rule("/test/team/<outcome>", "test_team", _add_team_then, methods=["POST"])
    return app


@pytest.mark.parametrize("outcome", ["raise", "abort", "status"])
def test_a_request_that_fails_after_a_flush_leaves_nothing_behind(routed, database_url, outcome):
    response = routed.test_client().post(f"/test/team/{outcome}")
    assert response.status_code >= 400
    assert teams_named(database_url, "customer-success") == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_request_that_succeeds_commits_what_its_service_flushed(routed, database_url):
    assert routed.test_client().post("/test/team/ok").status_code == 201
    assert teams_named(database_url, "customer-success") == 1
    assert stored(database_url, "SELECT count(*) FROM audit_events WHERE action = 'team.created'") == 1


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx"])
def test_a_refused_service_in_a_real_request_undoes_its_earlier_writes(app, database_url, login_as, monkeypatch,
                                                                        headers):
    make_draft([make_entry("terms", "lead"), make_entry("terms", "mql", related=["lead"]),
                make_entry("terms", "sql", related=["lead"])])
    writes = []
    real_write = editing._write

    def second_write_loses(entry_id, revision, values, by):
        # The first reference is cleaned, then someone else changes the second entry meanwhile.
        writes.append(entry_id)
        return real_write(entry_id, revision, values, by) if len(writes) == 1 else False

    monkeypatch.setattr(editing, "_write", second_write_loses)
    response = login_as("editor").post("/draft/terms/lead/delete", headers=headers)
    assert response.status_code == 409 and len(writes) == 2
    assert stored(database_url, "SELECT count(*) FROM entries WHERE key = 'lead'") == 1
    assert stored(database_url, "SELECT count(*) FROM entries WHERE revision > 1") == 0
    assert stored(database_url, "SELECT count(*) FROM audit_events") == 0


def test_transaction_commits_on_success_and_rolls_back_on_error(app, database_url):
    with transaction():
        db.session.add(Team(slug="support", name="Support"))
    with pytest.raises(Refused), transaction():
        db.session.add(Team(slug="legal", name="Legal"))
        db.session.flush()
        raise Refused("after a flush")
    assert teams_named(database_url, "support") == 1 and teams_named(database_url, "legal") == 0


def test_a_savepoint_undoes_only_its_own_statements(app, database_url):
    draft = make_draft([make_entry("terms", "lead")])
    db.session.add(Team(slug="support", name="Support"))
    db.session.flush()
    with pytest.raises(Exception), savepoint():
        db.session.add(Entry(version_id=draft.id, section="terms", key="lead", name="Again", team="sales",
                             definition="", position=0, fields={}, revision=1))
        db.session.flush()
    db.session.commit()  # the transaction is still usable, and keeps what came before the savepoint
    assert teams_named(database_url, "support") == 1
    assert stored(database_url, "SELECT count(*) FROM entries WHERE key = 'lead'") == 1


def test_a_cli_command_commits_when_it_succeeds_and_not_when_it_fails(runner, database_url):
    ok = runner.invoke(args=["users", "create", "new@example.com", "--name", "New", "--team", "sales",
                             "--role", "reader", "--password", "long enough password"])
    assert ok.exit_code == 0, ok.output
    assert stored(database_url, "SELECT count(*) FROM users WHERE email = 'new@example.com'") == 1
    refused = runner.invoke(args=["users", "create", "other@example.com", "--name", "Other", "--team", "nowhere",
                                  "--role", "reader", "--password", "long enough password"])
    assert refused.exit_code != 0 and "Unknown team" in refused.output
    assert stored(database_url, "SELECT count(*) FROM users WHERE email = 'other@example.com'") == 0
