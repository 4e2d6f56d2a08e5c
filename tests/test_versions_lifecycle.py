"""The version life cycle: open, submit, send back; each transition and each refusal."""
import pytest
from sqlalchemy import select

from app import signals
from app.models import Approval, AuditEvent, Version
from app.versions.services import (VersionError, approve_version, get_open_version,
                                   next_number, open_draft, send_back_version, submit_version)
from tests.factories import edit_entry, make_draft, make_entry, make_published


@pytest.fixture
def published(app):
    return make_published([
        make_entry("lifecycle_stages", "mql", name="Marketing Qualified Lead", position=3,
                   owner_team="marketing", entry_criteria="Score of 50", score_threshold=50),
        make_entry("terms", "handover", name="Handover"),
    ])


@pytest.fixture
def draft(published, people):
    return open_draft(people["editor"])


def actions(db, version=None):
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if version is not None:
        query = query.where(AuditEvent.version_id == version.id)
    return list(db.session.scalars(query))


def test_open_draft_copies_the_current_version(db, published, people):
    draft = open_draft(people["editor"])
    assert draft.state == "draft" and draft.based_on_id == published.id
    assert [(e.section, e.key, e.fields) for e in draft.entries] == \
        [(e.section, e.key, e.fields) for e in published.entries]
    assert all(e.updated_by_id is None for e in draft.entries)
    assert actions(db, draft) == ["version.draft_opened"]
    assert next_number(draft) == ("1.0.0", None, [])


def test_only_one_version_is_open(draft, people):
    with pytest.raises(VersionError, match="already open"):
        open_draft(people["editor"])


@pytest.mark.parametrize("role", ["reader"])
def test_open_draft_needs_an_editor(published, make_user, role):
    with pytest.raises(VersionError, match="Only editors"):
        open_draft(make_user(role))
    assert get_open_version() is None


def test_submit_moves_the_draft_to_review(db, draft, people):
    edit_entry(draft, "mql", by=people["editor"], score_threshold=60)
    seen = []
    with signals.version_submitted.connected_to(lambda v, by=None, **_: seen.append((v.id, by.id))):
        submit_version(draft, people["editor"])
    db.session.expire_all()
    assert draft.state == "in_review" and draft.submitted_at is not None
    assert seen == [(draft.id, people["editor"].id)]
    assert actions(db, draft)[-1] == "version.submitted"
    assert "1.1.0" in db.session.scalars(select(AuditEvent.summary).order_by(AuditEvent.id.desc())).first()


def test_submitting_an_unchanged_draft_is_refused(db, draft, people):
    with pytest.raises(VersionError, match="This draft changes nothing: it is the same as version 1.0.0"):
        submit_version(draft, people["editor"])
    db.session.expire_all()
    assert draft.state == "draft"
    assert "version.submitted" not in actions(db)


def test_submitting_an_empty_first_draft_is_refused(db, people):
    draft = make_draft([])
    with pytest.raises(VersionError, match="empty"):
        submit_version(draft, people["editor"])


def test_submit_needs_an_editor(draft, people):
    edit_entry(draft, "mql", by=people["editor"], score_threshold=60)
    with pytest.raises(VersionError, match="Only editors"):
        submit_version(draft, people["reader"])
    assert draft.state == "draft"


def test_only_a_draft_can_be_submitted(db, draft, published, people):
    edit_entry(draft, "mql", by=people["editor"], score_threshold=60)
    submit_version(draft, people["editor"])
    with pytest.raises(VersionError, match="Only a draft can be submitted; this version is under review"):
        submit_version(draft, people["editor"])
    with pytest.raises(VersionError, match="this version is published"):
        submit_version(published, people["editor"])


@pytest.fixture
def in_review(draft, people):
    edit_entry(draft, "mql", by=people["editor"], score_threshold=60)
    return submit_version(draft, people["editor"])


def test_send_back_returns_to_draft_and_drops_approvals(db, in_review, people):
    approve_version(in_review, people["marketing_approver"])
    assert len(db.session.scalars(select(Approval)).all()) == 1
    seen = []
    with signals.version_sent_back.connected_to(lambda v, by=None, reason=None, **_: seen.append((by.id, reason))):
        send_back_version(in_review, people["sales_approver"], "  The threshold is too low.  ")
    db.session.expire_all()
    assert in_review.state == "draft" and in_review.sent_back_reason == "The threshold is too low."
    assert db.session.scalars(select(Approval)).all() == []
    assert seen == [(people["sales_approver"].id, "The threshold is too low.")]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "version.sent_back")).one()
    assert event.before == {"approvals": ["marketing"]} and event.user_id == people["sales_approver"].id
    # back in draft, it can be edited and submitted again
    submit_version(in_review, people["editor"])
    assert in_review.state == "in_review" and in_review.sent_back_reason is None


@pytest.mark.parametrize("reason", ["", "   ", None, "\n\t"])
def test_send_back_needs_a_reason(db, in_review, people, reason):
    with pytest.raises(VersionError, match="reason is required"):
        send_back_version(in_review, people["sales_approver"], reason)
    db.session.expire_all()
    assert in_review.state == "in_review"


def test_send_back_refuses_an_overlong_reason(in_review, people):
    with pytest.raises(VersionError, match="at most"):
        send_back_version(in_review, people["sales_approver"], "x" * 2001)


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_send_back_needs_an_approver(in_review, make_user, role):
    with pytest.raises(VersionError, match="Only approvers"):
        send_back_version(in_review, make_user(role), "Not good")
    assert in_review.state == "in_review"


def test_only_a_version_in_review_can_be_sent_back(draft, published, people):
    with pytest.raises(VersionError, match="this one is a draft"):
        send_back_version(draft, people["sales_approver"], "No")
    with pytest.raises(VersionError, match="this one is published"):
        send_back_version(published, people["sales_approver"], "No")


def test_a_refused_action_leaves_no_audit_row(db, draft, people):
    before = actions(db)
    for attempt in (lambda: submit_version(draft, people["editor"]),
                    lambda: send_back_version(draft, people["sales_approver"], "why"),
                    lambda: approve_version(draft, people["sales_approver"])):
        with pytest.raises(VersionError):
            attempt()
    assert actions(db) == before
    assert db.session.get(Version, draft.id).state == "draft"
