"""flask demo: the demo SLA published as 1.0.0 and signed by both teams, with an open draft of 1.1.0."""
import hashlib
import json
from datetime import date

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import func, select

from app.canonical import canonical_json
from app.demo import create_demo_users
from app.demo.loader import first_demo_month
from app.demo.content import DRAFT_CHANGES, PUBLISHED
from app.demo.loader import DemoContentError, load_demo_content
from app.extensions import db as _db
from app.models import Approval, AuditEvent, Entry, User, Version
from app.sla.diff import compare_documents
from app.transactions import transaction
from app.versions.services import (approval_refusal, approve_version, document_of, get_current_version,
                                   get_open_version, next_number, submit_version)
from tests.test_demo_content import DEMO_CONTENT_SHA256


def user(email_start: str) -> User:
    return _db.session.scalar(select(User).where(User.email == f"{email_start}@demo.example.com"))


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def test_flask_demo_publishes_1_0_0_and_opens_a_draft(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "marketing-approver@demo.example.com" in result.output

    current = get_current_version()
    assert (current.number, current.state, current.change) == ("1.0.0", "published", "major")
    # signed when the demo's lead data begins: six whole months before this one
    first = first_demo_month()
    assert (current.effective_from, current.published_at) == (first.date(), first)
    assert first.day == 1 and (date.today().year - first.year) * 12 + date.today().month - first.month == 6
    approvals = _db.session.scalars(select(Approval).where(Approval.version_id == current.id)
                                    .order_by(Approval.team)).all()
    assert [(a.team, a.user.email) for a in approvals] == [
        ("marketing", "marketing-approver@demo.example.com"), ("sales", "sales-approver@demo.example.com")]
    document = json.loads(current.document)
    for section, entries in PUBLISHED.items():
        assert sorted(e["key"] for e in document["sections"][section]) == sorted(e["key"] for e in entries)
        published = {e["key"]: e for e in document["sections"][section]}
        for entry in entries:
            assert {k: v for k, v in published[entry["key"]].items() if k in entry} == entry

    draft = get_open_version()
    assert draft.state == "draft" and draft.based_on_id == current.id
    diff = compare_documents(document_of(current), document_of(draft))
    added = {e["key"] for part in diff["sections"].values() for e in part["added"]}
    changed = {c["key"] for part in diff["sections"].values() for c in part["changed"]}
    assert added == {c["entry"]["key"] for c in DRAFT_CHANGES if c["op"] == "add"}
    assert changed == {c["key"] for c in DRAFT_CHANGES if c["op"] == "update"}
    assert next_number(draft) == ("1.1.0", "minor", [])


def test_the_published_demo_validates_against_the_published_schema(app, runner, login_as):
    assert runner.invoke(args=["demo"]).exit_code == 0
    reader = login_as("reader")
    schema = reader.get("/api/v1/schema").json
    answer = reader.get("/api/v1/sla")
    assert answer.status_code == 200
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    assert [error.message for error in validator.iter_errors(answer.json)] == []
    assert answer.data == get_current_version().document


def test_the_demo_approvers_sign_the_pinned_demo_content(app, runner):
    """Moving the demo into data files, or any other refactoring, must not change what is published:
    its English is pinned, and the translations from their own files come on top of it."""
    runner.invoke(args=["demo"])
    current = get_current_version()
    signed = _db.session.scalars(select(Approval.content_hash).where(Approval.version_id == current.id)).all()
    sections = json.loads(current.document)["sections"]
    assert signed == [hashlib.sha256(canonical_json(sections)).hexdigest()] * 2
    english = {key: [{name: value for name, value in entry.items() if name != "translations"} for entry in entries]
               for key, entries in sections.items()}
    assert hashlib.sha256(canonical_json(english)).hexdigest() == DEMO_CONTENT_SHA256
    assert all("th" in entry["translations"] for entries in sections.values() for entry in entries)


def test_the_demo_draft_is_edited_by_the_demo_editors(app, runner):
    runner.invoke(args=["demo"])
    draft = get_open_version()
    editors = {user("marketing-editor").id, user("sales-editor").id}
    edited = _db.session.scalars(select(Entry.updated_by_id).where(Entry.version_id == draft.id,
                                                                   Entry.updated_by_id.is_not(None))).all()
    assert edited and set(edited) <= editors
    logged = _db.session.scalars(select(AuditEvent.user_id).where(
        AuditEvent.version_id == draft.id, AuditEvent.action.like("entry.%"))).all()
    assert len(logged) == len(DRAFT_CHANGES) and set(logged) <= editors


def test_submitting_and_approving_the_demo_draft_publishes_1_1_0(app, runner):
    runner.invoke(args=["demo"])
    draft = get_open_version()
    submit_version(draft, user("marketing-editor"))
    assert approval_refusal(draft, user("marketing-approver")) is None
    approve_version(draft, user("marketing-approver"))
    approve_version(draft, user("sales-approver"))
    assert (draft.state, draft.number, draft.change) == ("published", "1.1.0", "minor")
    assert get_current_version().id == draft.id


def test_flask_demo_refuses_a_database_with_data(app, runner, make_user):
    make_user("admin")
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "--force" in result.output
    assert count(Version) == 0


def test_flask_demo_force_loads_into_a_database_with_users(app, runner, make_user):
    make_user("admin")
    result = runner.invoke(args=["demo", "--force"])
    assert result.exit_code == 0, result.output
    assert get_current_version().number == "1.0.0" and get_open_version() is not None


def test_flask_demo_force_again_keeps_the_signed_versions(app, runner):
    runner.invoke(args=["demo"])
    first_hash = get_current_version().sha256
    result = runner.invoke(args=["demo", "--force"])
    assert result.exit_code == 0, result.output
    _db.session.expire_all()
    assert count(Version) == 2
    assert get_current_version().sha256 == first_hash


def test_flask_demo_if_empty_does_nothing_the_second_time(app, runner):
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0 and "already has data" in result.output
    assert count(Version) == 2


SMALL = {
    "lifecycle_stages": [
        {"key": "lead", "name": "Lead", "team": "marketing", "definition": "A contact.", "position": 1,
         "owner_team": "marketing", "entry_criteria": "Gave an email."},
        {"key": "mql", "name": "MQL", "team": "marketing", "definition": "Ready for sales.", "position": 2,
         "owner_team": "marketing", "entry_criteria": "Score of 50", "score_threshold": 50},
    ],
    "terms": [{"key": "handover", "name": "Handover", "team": "sales", "definition": "The passing of a lead.",
               "synonyms": ["hand-off"], "related": ["mql"]}],
}
SMALL_CHANGES = [
    {"op": "add", "section": "terms", "entry": {"key": "churn", "name": "Churn", "team": "sales",
                                                "definition": "A lost customer."}},
    {"op": "update", "key": "mql", "changes": {"definition": "Nurtured until ready for sales."}},
]


def test_the_loader_takes_any_content_in_the_document_shape(app):
    create_demo_users()
    assert load_demo_content(SMALL, SMALL_CHANGES) is True
    current = get_current_version()
    assert json.loads(current.document)["sections"]["lifecycle_stages"][1]["score_threshold"] == 50
    draft = get_open_version()
    assert {e.key for e in draft.entries} == {"lead", "mql", "handover", "churn"}
    assert next_number(draft) == ("1.1.0", "minor", [])
    assert load_demo_content(SMALL, SMALL_CHANGES) is False  # never over existing versions


def test_a_broken_change_loads_nothing(app):
    create_demo_users()
    with pytest.raises(DemoContentError, match="'nope'"), transaction():
        load_demo_content(SMALL, [{"op": "update", "key": "nope", "changes": {"name": "x"}}])
    assert count(Version) == 0 and count(Entry) == 0


def test_the_loader_needs_the_demo_users(app):
    with pytest.raises(DemoContentError, match="create the demo users first"):
        load_demo_content(SMALL, SMALL_CHANGES)
