"""Approvals and publishing: who may sign, the policy, numbering, freezing, superseding."""
import json
from datetime import date

import pytest
from sqlalchemy import create_engine, select, text

from app import signals
from app.audit import record_event
from app.extensions import db as _db
from app.models import Approval, AuditEvent, Version
from app.sla.document import build_document, canonical_bytes, content_hash, sha256_hex
from app.versions.policy import required_teams, self_approval_allowed, set_policy
from app.versions.services import (VersionError, approval_refusal, approve_version, get_current_version,
                                   missing_teams, next_number, open_draft, publish_version, submit_version)
from tests.factories import edit_entry, make_draft, make_entry, make_published


@pytest.fixture
def people(people, make_user):
    """The conftest cast, and a second sales approver."""
    return {**people, "sales_approver_2": make_user("approver", "sales")}


def entries():
    return [
        make_entry("lifecycle_stages", "mql", name="Marketing Qualified Lead", position=3,
                   owner_team="marketing", entry_criteria="Score of 50", score_threshold=50),
        make_entry("lifecycle_stages", "sql", name="Sales Qualified Lead", position=4,
                   owner_team="sales", entry_criteria="Sales accepts"),
        make_entry("terms", "handover", name="Handover"),
    ]


@pytest.fixture
def published(app):
    return make_published(entries())


@pytest.fixture
def in_review(published, people):
    draft = open_draft(people["editor"])
    edit_entry(draft, "mql", by=people["editor"], score_threshold=60)
    return submit_version(draft, people["editor"])


def test_the_default_policy_needs_marketing_and_sales(app):
    assert required_teams() == ["marketing", "sales"]
    assert self_approval_allowed() is False


def test_first_approval_is_recorded_and_waits_for_the_other_team(db, in_review, people):
    version = approve_version(in_review, people["marketing_approver"])
    assert version.state == "in_review"
    approval = db.session.scalars(select(Approval)).one()
    assert (approval.team, approval.user_id) == ("marketing", people["marketing_approver"].id)
    assert approval.content_hash == content_hash(in_review) and approval.at is not None
    assert missing_teams(in_review) == ["sales"]
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == "version.approved"


def test_the_last_approval_publishes(db, in_review, published, people):
    approve_version(in_review, people["marketing_approver"])
    version = approve_version(in_review, people["sales_approver"])
    db.session.expire_all()
    assert version.state == "published" and version.number == "1.1.0" and version.change == "minor"
    assert version.published_at is not None and version.effective_from == version.published_at.date()
    assert version.based_on_id == published.id
    approvals = db.session.scalars(select(Approval).where(Approval.version_id == version.id)).all()
    assert version.document == canonical_bytes(build_document(version, approvals))
    assert version.sha256 == sha256_hex(version.document)
    document = json.loads(version.document)
    assert document["version"] == "1.1.0"
    assert [a["team"] for a in document["approvals"]] == ["marketing", "sales"]
    assert published.state == "superseded" and published.superseded_at is not None
    assert get_current_version().id == version.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "version.published")).one()
    assert event.user_id == people["sales_approver"].id and event.after["number"] == "1.1.0"


def test_a_set_effective_date_is_kept(db, in_review, people):
    in_review.effective_from = date(2031, 1, 1)
    db.session.commit()
    approve_version(in_review, people["marketing_approver"])
    approve_version(in_review, people["sales_approver"])
    assert in_review.effective_from == date(2031, 1, 1)
    assert json.loads(in_review.document)["effective_from"] == "2031-01-01"


def test_the_first_publish_is_1_0_0(db, people):
    draft = make_draft(entries())
    assert next_number(draft) == ("1.0.0", "major", [])
    submit_version(draft, people["editor"])
    approve_version(draft, people["marketing_approver"])
    approve_version(draft, people["sales_approver"])
    assert (draft.state, draft.number, draft.change) == ("published", "1.0.0", "major")


@pytest.mark.parametrize("edit,number,change", [
    ({"definition": "Reworded."}, "1.0.1", "patch"),
    ({"entry_criteria": "A score of 50 or more."}, "1.0.1", "patch"),
    ({"score_threshold": 55}, "1.1.0", "minor"),
    ({"position": 9}, "1.1.0", "minor"),
    ({"deprecated": True, "superseded_by": "sql"}, "1.1.0", "minor"),
    ({"score_threshold": "fifty"}, "2.0.0", "major"),
])
def test_numbers_follow_the_change(db, published, people, edit, number, change):
    draft = open_draft(people["editor"])
    edit_entry(draft, "mql", by=people["editor"], **edit)
    assert next_number(draft)[:2] == (number, change)
    submit_version(draft, people["editor"])
    approve_version(draft, people["marketing_approver"])
    approve_version(draft, people["sales_approver"])
    assert (draft.number, draft.change) == (number, change)


def test_removing_an_entry_makes_a_major_version_with_its_reason(db, published, people):
    draft = open_draft(people["editor"])
    _db.session.delete(next(e for e in draft.entries if e.key == "handover"))
    _db.session.commit()
    number, change, breaking = next_number(draft)
    assert (number, change) == ("2.0.0", "major")
    assert breaking == ["The term 'handover' (Handover) was removed."]


def test_adding_an_entry_makes_a_minor_version(db, published, people):
    draft = open_draft(people["editor"])
    draft.entries.append(make_entry("terms", "churn"))
    _db.session.commit()
    assert next_number(draft) == ("1.1.0", "minor", [])


# --- who may approve ------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["reader", "editor"])
def test_readers_and_editors_cannot_approve(db, in_review, make_user, role):
    with pytest.raises(VersionError, match="Only approvers can approve"):
        approve_version(in_review, make_user(role, "sales"))
    assert db.session.scalars(select(Approval)).all() == []


def test_an_inactive_approver_cannot_approve(db, in_review, make_user):
    with pytest.raises(VersionError, match="Only approvers"):
        approve_version(in_review, make_user("approver", "sales", active=False))


def test_an_admin_of_a_required_team_can_approve(db, in_review, people):
    approve_version(in_review, people["admin"])
    assert db.session.scalars(select(Approval.team)).all() == ["sales"]


def test_approving_twice_is_refused(db, in_review, people):
    approve_version(in_review, people["sales_approver"])
    with pytest.raises(VersionError, match="You have already approved this version"):
        approve_version(in_review, people["sales_approver"])
    with pytest.raises(VersionError, match="The sales team has already approved this version"):
        approve_version(in_review, people["sales_approver_2"])
    assert len(db.session.scalars(select(Approval)).all()) == 1


def _move_to_team(user, slug: str) -> None:
    """What an admin's edit of the user's team does to the row (the admin pages have their own rules)."""
    from app.models import Team
    user.team = _db.session.scalar(select(Team).where(Team.slug == slug))
    _db.session.commit()


@pytest.mark.parametrize("who", ["admin", "sales_approver"])
def test_one_person_cannot_sign_for_two_teams(db, in_review, people, who):
    """Signed for sales, moved to marketing, tried again: the version still needs a marketing approver."""
    signer = people[who]
    approve_version(in_review, signer)
    _move_to_team(signer, "marketing")
    with pytest.raises(VersionError, match="You already signed this version for the sales team"):
        approve_version(in_review, signer)
    assert db.session.scalars(select(Approval.user_id).where(Approval.version_id == in_review.id)).all() == [signer.id]
    assert in_review.state == "in_review"
    assert "You already signed this version" in approval_refusal(in_review, signer)
    approve_version(in_review, people["marketing_approver"])  # another person completes it
    assert in_review.state == "published"


def test_a_team_that_is_not_required_cannot_approve(db, in_review, make_user):
    with pytest.raises(VersionError, match="customer-success team does not sign versions"):
        approve_version(in_review, make_user("approver", "customer-success"))


def test_only_a_version_in_review_can_be_approved(db, published, people):
    draft = open_draft(people["editor"])
    with pytest.raises(VersionError, match="this one is a draft"):
        approve_version(draft, people["sales_approver"])
    with pytest.raises(VersionError, match="this one is published"):
        approve_version(published, people["sales_approver"])


def test_approving_your_own_edits_is_refused(db, published, people):
    draft = open_draft(people["editor"])
    edit_entry(draft, "mql", by=people["sales_approver"], score_threshold=70)
    submit_version(draft, people["editor"])
    assert "You edited this version" in approval_refusal(draft, people["sales_approver"])
    with pytest.raises(VersionError, match="You edited this version"):
        approve_version(draft, people["sales_approver"])
    approve_version(draft, people["sales_approver_2"])  # another sales approver may


def test_an_edit_in_the_log_counts_as_your_own_edit(db, in_review, people):
    # Someone else saved the entry last, but the log shows this approver edited it earlier.
    record_event("entry.updated", user=people["sales_approver"], version=in_review, entry_key="mql")
    _db.session.commit()
    with pytest.raises(VersionError, match="You edited this version"):
        approve_version(in_review, people["sales_approver"])


def test_the_policy_can_allow_self_approval(db, published, people):
    set_policy(["marketing", "sales"], True, by=people["admin"])
    draft = open_draft(people["editor"])
    edit_entry(draft, "mql", by=people["sales_approver"], score_threshold=70)
    submit_version(draft, people["editor"])
    approve_version(draft, people["sales_approver"])
    assert approval_refusal(draft, people["marketing_approver"]) is None


# --- the policy ------------------------------------------------------------------------------

def test_set_policy_changes_the_required_teams_and_is_audited(db, people, make_user):
    make_user("approver", "customer-success")
    set_policy(["sales", "customer-success", "sales"], True, by=people["admin"])
    assert required_teams() == ["customer-success", "sales"]
    assert self_approval_allowed() is True
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.changed")).one()
    assert event.before == {"teams": ["marketing", "sales"], "allow_self_approval": False}
    assert event.after == {"teams": ["customer-success", "sales"], "allow_self_approval": True}
    assert event.user_id == people["admin"].id


@pytest.mark.parametrize("teams", [[], [""], ["  "]])
def test_set_policy_refuses_an_empty_team_list(db, people, teams):
    with pytest.raises(VersionError, match="At least one team"):
        set_policy(teams, False, by=people["admin"])
    assert required_teams() == ["marketing", "sales"]


def test_set_policy_refuses_unknown_teams(db, people):
    with pytest.raises(VersionError, match="Unknown team: nobody"):
        set_policy(["sales", "nobody"], False, by=people["admin"])
    assert required_teams() == ["marketing", "sales"]


def test_a_single_required_team_publishes_alone(db, in_review, people):
    set_policy(["sales"], False, by=people["admin"])
    approve_version(in_review, people["sales_approver"])
    assert in_review.state == "published"


def test_publish_version_waits_for_every_required_team(db, in_review, people):
    approve_version(in_review, people["marketing_approver"])
    with pytest.raises(VersionError, match="Still waiting for the approval of: sales"):
        publish_version(in_review)
    set_policy(["marketing"], False, by=people["admin"])
    publish_version(in_review, by=people["admin"])
    assert (in_review.state, in_review.number) == ("published", "1.1.0")


def test_content_changed_after_an_approval_refuses_publishing(db, in_review, people):
    approve_version(in_review, people["marketing_approver"])
    edit_entry(in_review, "mql", by=people["editor"], score_threshold=99)  # behind the services' back
    with pytest.raises(VersionError, match="content changed after marketing approved"):
        approve_version(in_review, people["sales_approver"])
    _db.session.expire_all()
    assert in_review.state == "in_review"
    assert _db.session.scalars(select(Approval.team)).all() == ["marketing"]


# --- signals and the single transaction -------------------------------------------------------

def test_published_signals_inside_and_after_the_transaction(app, db, in_review, people, database_url):
    outside = create_engine(database_url)
    seen = []

    def inside(version, by=None, **_):
        # Receivers add rows to the publishing transaction; nothing is committed yet.
        with outside.connect() as conn:
            state = conn.execute(text("SELECT state FROM versions WHERE id = :id"), {"id": version.id}).scalar()
        seen.append(("inside", version.state, state, by.id))
        record_event("test.outbox", version=version, user=by)

    def after(version, by=None, **_):
        with outside.connect() as conn:
            state = conn.execute(text("SELECT state FROM versions WHERE id = :id"), {"id": version.id}).scalar()
        seen.append(("after", state))

    approve_version(in_review, people["marketing_approver"])
    with signals.version_published.connected_to(inside), signals.version_published_committed.connected_to(after):
        approve_version(in_review, people["sales_approver"])
    outside.dispose()
    assert seen == [("inside", "published", "in_review", people["sales_approver"].id), ("after", "published")]
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "test.outbox")).one()


def test_a_failing_receiver_inside_the_transaction_publishes_nothing(db, in_review, published, people):
    def explode(version, **_):
        raise RuntimeError("outbox down")

    approve_version(in_review, people["marketing_approver"])
    with signals.version_published.connected_to(explode), pytest.raises(RuntimeError):
        approve_version(in_review, people["sales_approver"])
    _db.session.expire_all()
    assert in_review.state == "in_review" and in_review.number is None
    assert published.state == "published"
    assert _db.session.scalars(select(Approval.team)).all() == ["marketing"]


def test_a_failing_receiver_after_commit_does_not_undo_the_publish(db, in_review, people):
    def explode(version, **_):
        raise RuntimeError("mail down")

    approve_version(in_review, people["marketing_approver"])
    with signals.version_published_committed.connected_to(explode):
        approve_version(in_review, people["sales_approver"])
    _db.session.expire_all()
    assert _db.session.get(Version, in_review.id).state == "published"
