"""How much work publishing and opening a draft do: the sections are built once per publish, and a
draft's entries are copied with one INSERT … SELECT."""
import pytest
from sqlalchemy import event, select

from app.models import Entry
from app.sla import document
from app.versions import queries, services
from app.versions.services import approve_version, open_draft, publish_version, submit_version
from tests.factories import edit_entry, make_entry, make_published


@pytest.fixture
def people(make_user, approvers):
    return {"editor": make_user("editor", "marketing"), "approvers": approvers}


@pytest.fixture
def published(app):
    entries = [make_entry("terms", f"term-{i}", definition=f"Term {i}.") for i in range(5)]
    entries.append(make_entry("lifecycle_stages", "mql", position=3, owner_team="marketing", score_threshold=50))
    for entry in entries:
        entry.revision = 4  # as if edited a few times before its version was published
    return make_published(entries)


@pytest.fixture
def in_review(published, people):
    draft = open_draft(people["editor"])
    edit_entry(draft, "mql", by=people["editor"], score_threshold=60)
    submit_version(draft, by=people["editor"])
    return draft


@pytest.fixture
def section_builds(monkeypatch):
    """How many times a version's entries are turned into the document's sections."""
    calls = []
    real = document.sections_dict

    def counting(entries):
        calls.append(1)
        return real(entries)

    monkeypatch.setattr(document, "sections_dict", counting)
    monkeypatch.setattr(queries, "sections_dict", counting)
    return calls


def test_the_last_signature_builds_the_sections_once(in_review, people, section_builds):
    first, last = people["approvers"]
    approve_version(in_review, first)
    section_builds.clear()
    approve_version(in_review, last)
    assert in_review.state == "published" and in_review.number == "1.1.0"
    assert len(section_builds) == 1


def test_publish_version_builds_the_sections_once(in_review, people, section_builds, monkeypatch):
    with monkeypatch.context() as patch:  # sign without publishing, then publish explicitly
        patch.setattr(services, "missing_teams", lambda version: ["later"])
        for approver in people["approvers"]:
            approve_version(in_review, approver)
    section_builds.clear()
    publish_version(in_review, by=people["approvers"][0])
    assert in_review.state == "published" and len(section_builds) == 1


def test_open_draft_copies_the_entries_with_one_insert(db, published, people):
    statements = []
    listener = lambda _c, _cu, statement, *_a: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        draft = open_draft(people["editor"])
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    inserts = [s for s in statements if s.startswith("INSERT INTO entries")]
    assert len(inserts) == 1 and "SELECT" in inserts[0]
    copied = db.session.scalars(select(Entry).where(Entry.version_id == draft.id).order_by(Entry.key)).all()
    source = db.session.scalars(select(Entry).where(Entry.version_id == published.id).order_by(Entry.key)).all()
    columns = ("section", "key", "name", "definition", "team", "position", "deprecated", "superseded_by", "fields")
    assert [[getattr(e, c) for c in columns] for e in copied] == [[getattr(e, c) for c in columns] for e in source]
    assert {e.revision for e in copied} == {1} and {e.updated_by_id for e in copied} == {None}
    assert all(e.updated_at is not None for e in copied)
    assert [e.key for e in draft.entries] == [e.key for e in published.entries]


@pytest.mark.parametrize("text", ['Plain', '"sections":{}', 'a \\"sections":{} \u2028 ünï'])
def test_document_bytes_are_the_canonical_bytes_of_the_document(text):
    """Publishing splices the sections' bytes into the document instead of serialising them twice."""
    from datetime import date, datetime
    from types import SimpleNamespace

    version = SimpleNamespace(number="1.2.3", published_at=datetime(2026, 11, 27, 9), effective_from=date(2026, 12, 1),
                              title=text)
    approvals = [SimpleNamespace(team="sales", user=SimpleNamespace(name=text), at=datetime(2026, 11, 26))]
    sections = document.sections_dict([make_entry("terms", "sla", text, definition=text, synonyms=[text])])
    expected = document.canonical_bytes(document.build_document(version, approvals, sections))
    assert document.document_bytes(version, approvals, document.canonical_bytes(sections)) == expected
