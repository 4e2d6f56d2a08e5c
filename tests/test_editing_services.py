"""The editing verbs without HTTP: state checks, revisions, references, order and the audit log."""
import pytest

from app.editing import services
from app.editing.services import EditingError, StaleEntryError
from app.extensions import db
from app.models import AuditEvent, Entry, VersionState
from tests.factories import make_draft, make_entry, make_published
from tests.test_editing_support import audit_actions, entry_by_key


def data_of(entry, **changes):
    values = {"key": entry.key, "name": entry.name, "team": entry.team, "definition": entry.definition,
              "deprecated": entry.deprecated, "superseded_by": entry.superseded_by, "fields": dict(entry.fields)}
    values.update(changes)
    return values


def last_event() -> AuditEvent:
    return db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()


@pytest.fixture
def editor(make_user):
    return make_user("editor", name="Erin")


@pytest.fixture
def draft(app):
    return make_draft([
        make_entry("lifecycle_stages", "lead", "Lead", position=1, owner_team="marketing", entry_criteria="Form"),
        make_entry("lifecycle_stages", "mql", "MQL", position=2, owner_team="marketing", entry_criteria="Score"),
        make_entry("lifecycle_stages", "sql", "SQL", position=3, owner_team="sales", entry_criteria="Accepted"),
        make_entry("lead_statuses", "returned", "Returned", owner_team="sales", lifecycle_stages=["mql", "sql"]),
        make_entry("terms", "nurture", "Nurture", related=["mql"]),
    ])


def test_add_entry_appends_to_an_ordered_section_and_records_it(draft, editor):
    entry = services.add_entry(draft, "lifecycle_stages", {
        "key": "opportunity", "name": "Opportunity", "team": "sales", "definition": "A deal is open.",
        "fields": {"owner_team": "sales", "entry_criteria": "Deal created", "score_threshold": 80}}, by=editor)
    assert entry.position == 4 and entry.revision == 1 and entry.updated_by_id == editor.id
    assert entry.fields == {"owner_team": "sales", "entry_criteria": "Deal created", "exit_criteria": None,
                            "score_threshold": 80, "crm_value": None, "min_fit": None, "min_engagement": None,
                            "may_return_to": []}
    event = last_event()
    assert (event.action, event.user_id, event.version_id, event.entry_key) == \
        ("entry.created", editor.id, draft.id, "opportunity")
    assert event.after["name"] == "Opportunity" and event.before is None


def test_add_entry_refuses_a_key_already_in_the_version(draft, editor):
    with pytest.raises(EditingError) as refused:
        services.add_entry(draft, "terms", {"key": "mql", "name": "Again", "team": "marketing"}, by=editor)
    assert refused.value.field == "key" and "already has the key 'mql'" in str(refused.value)
    assert audit_actions() == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Entry)) == 5


def test_update_entry_bumps_the_revision_and_records_only_what_changed(draft, editor):
    entry = entry_by_key(draft, "mql")
    services.update_entry(entry, data_of(entry, name="Marketing qualified lead",
                                         fields={**entry.fields, "score_threshold": 50}), 1, by=editor)
    entry = entry_by_key(draft, "mql")
    assert entry.revision == 2 and entry.name == "Marketing qualified lead" and entry.position == 2
    assert entry.updated_by_id == editor.id and entry.updated_at is not None
    event = last_event()
    assert event.action == "entry.changed"
    assert event.before == {"name": "MQL", "score_threshold": None}
    assert event.after == {"name": "Marketing qualified lead", "score_threshold": 50}


@pytest.mark.parametrize("revision", [1, 7])
def test_a_save_that_changes_nothing_writes_nothing(draft, editor, revision):
    entry = entry_by_key(draft, "mql")
    services.update_entry(entry, data_of(entry), revision, by=editor)
    assert entry_by_key(draft, "mql").revision == 1 and audit_actions() == []


def test_update_entry_shortens_long_texts_in_the_audit_log(draft, editor):
    entry = entry_by_key(draft, "lead")
    services.update_entry(entry, data_of(entry, definition="x" * 5000), 1, by=editor)
    assert last_event().after["definition"] == "x" * 200 + "…"


def test_update_entry_from_a_stale_revision_raises_with_the_current_entry(draft, editor):
    entry = entry_by_key(draft, "mql")
    services.update_entry(entry, data_of(entry, name="First"), 1, by=editor)
    with pytest.raises(StaleEntryError) as stale:
        services.update_entry(entry_by_key(draft, "mql"), data_of(entry, name="Second"), 1, by=editor)
    assert stale.value.current.name == "First" and stale.value.current.revision == 2
    assert entry_by_key(draft, "mql").name == "First" and audit_actions() == ["entry.changed"]


def test_a_key_that_others_refer_to_cannot_change(draft, editor):
    entry = entry_by_key(draft, "mql")
    with pytest.raises(EditingError) as refused:
        services.update_entry(entry, data_of(entry, key="marketing-qualified"), 1, by=editor)
    assert refused.value.field == "key"
    assert entry_by_key(draft, "mql").revision == 1


def test_a_key_nobody_refers_to_can_change(draft, editor):
    entry = entry_by_key(draft, "lead")
    services.update_entry(entry, data_of(entry, key="new-lead"), 1, by=editor)
    assert entry_by_key(draft, "new-lead").revision == 2 and entry_by_key(draft, "lead") is None


def test_renaming_onto_a_taken_key_is_refused(draft, editor):
    entry = entry_by_key(draft, "lead")
    with pytest.raises(EditingError) as refused:
        services.update_entry(entry, data_of(entry, key="sql"), 1, by=editor)
    assert refused.value.field == "key" and entry_by_key(draft, "lead").revision == 1


def test_deprecate_entry_marks_it_and_names_the_successor(draft, editor):
    services.deprecate_entry(entry_by_key(draft, "lead"), "mql", 1, by=editor)
    entry = entry_by_key(draft, "lead")
    assert entry.deprecated and entry.superseded_by == "mql" and entry.revision == 2
    event = last_event()
    assert event.action == "entry.deprecated" and event.after == {"deprecated": True, "superseded_by": "mql"}


@pytest.mark.parametrize("successor", ["lead", "ghost"])
def test_deprecate_entry_refuses_itself_or_a_missing_successor(draft, editor, successor):
    with pytest.raises(EditingError):
        services.deprecate_entry(entry_by_key(draft, "lead"), successor, 1, by=editor)
    assert not entry_by_key(draft, "lead").deprecated and audit_actions() == []


def test_deprecate_entry_from_a_stale_revision_is_refused(draft, editor):
    entry = entry_by_key(draft, "lead")
    services.update_entry(entry, data_of(entry, name="Lead!"), 1, by=editor)
    with pytest.raises(StaleEntryError):
        services.deprecate_entry(entry_by_key(draft, "lead"), None, 1, by=editor)


def test_delete_entry_removes_every_reference_to_it(draft, editor):
    services.update_entry(entry_by_key(draft, "lead"), data_of(entry_by_key(draft, "lead"), deprecated=True,
                                                                superseded_by="mql"), 1, by=editor)
    cleaned = services.delete_entry(entry_by_key(draft, "mql"), by=editor)
    assert sorted(cleaned) == ["lead", "nurture", "returned"]
    assert entry_by_key(draft, "mql") is None
    assert entry_by_key(draft, "returned").fields["lifecycle_stages"] == ["sql"]
    assert entry_by_key(draft, "nurture").fields["related"] == []
    lead = entry_by_key(draft, "lead")
    assert lead.superseded_by is None and lead.deprecated and lead.revision == 3
    event = last_event()
    assert event.action == "entry.deleted" and event.before["key"] == "mql"
    assert sorted(event.after["references_removed_from"]) == ["lead", "nurture", "returned"]


def test_move_entry_swaps_positions_and_bumps_both_revisions(draft, editor):
    services.move_entry(entry_by_key(draft, "sql"), "up", by=editor)
    assert [(e.key, e.position, e.revision) for e in sorted(
        [entry_by_key(draft, k) for k in ("lead", "mql", "sql")], key=lambda e: e.position)] == \
        [("lead", 1, 1), ("sql", 2, 2), ("mql", 3, 2)]
    event = last_event()
    assert event.action == "entry.reordered" and event.before == {"sql": 3, "mql": 2}
    assert event.after == {"sql": 2, "mql": 3}


def test_move_entry_renumbers_when_positions_collide(app, editor):
    version = make_draft([make_entry("buyer_journey", key, position=1) for key in ("a", "b", "c")])
    services.move_entry(entry_by_key(version, "c"), "up", by=editor)
    assert [entry_by_key(version, k).position for k in ("a", "b", "c")] == [1, 3, 2]


@pytest.mark.parametrize("state, message", [(VersionState.IN_REVIEW.value, "in review"),
                                            (VersionState.SUPERSEDED.value, "no longer a draft")])
def test_every_verb_refuses_a_version_that_is_not_a_draft(draft, editor, state, message):
    draft.state = state
    db.session.commit()
    lead = entry_by_key(draft, "lead")
    attempts = [
        lambda: services.add_entry(draft, "terms", {"key": "x", "name": "X", "team": "sales"}, by=editor),
        lambda: services.update_entry(lead, data_of(lead, name="Changed"), 1, by=editor),
        lambda: services.deprecate_entry(lead, None, 1, by=editor),
        lambda: services.delete_entry(lead, by=editor),
        lambda: services.move_entry(lead, "down", by=editor),
    ]
    for attempt in attempts:
        with pytest.raises(EditingError, match=message):
            attempt()
    lead = entry_by_key(draft, "lead")
    assert lead.name == "Lead" and lead.revision == 1 and not lead.deprecated and audit_actions() == []


def test_published_versions_are_never_edited(app, editor):
    published = make_published([make_entry("terms", "frozen")])
    frozen = entry_by_key(published, "frozen")
    with pytest.raises(EditingError, match="no longer a draft"):
        services.update_entry(frozen, data_of(frozen, name="Thawed"), 1, by=editor)
    assert entry_by_key(published, "frozen").name == "Frozen"
