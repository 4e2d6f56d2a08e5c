"""Actions that arrive at the same moment: each version is published exactly once."""
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import Approval, AuditEvent, User, Version
from app.versions.services import VersionError, approve_version, get_open_version, open_draft, submit_version
from tests.factories import edit_entry, make_entry, make_published

ROUNDS = 4


def run_together(app, calls):
    """Run each (function, user id, version id) in its own thread and app context, released at once."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, function, user_id, version_id):
        with app.app_context():
            user = _db.session.get(User, user_id)
            version = _db.session.get(Version, version_id) if version_id else None
            barrier.wait(timeout=10)
            try:
                function(*([version, user] if version is not None else [user]))
                outcomes[index] = "ok"
            except VersionError as refusal:
                outcomes[index] = str(refusal)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    _db.session.expire_all()
    return outcomes


def published_events() -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "version.published"))


@pytest.fixture
def setup(app, make_user):
    people = {name: make_user(role, team) for name, role, team in (
        ("editor", "editor", "marketing"), ("marketing", "approver", "marketing"),
        ("sales", "approver", "sales"), ("sales_2", "approver", "sales"))}
    make_published([make_entry("lifecycle_stages", "mql", position=3, owner_team="marketing",
                               entry_criteria="Score of 50", score_threshold=50)])
    return people


def new_version_in_review(people, threshold):
    draft = open_draft(people["editor"])
    edit_entry(draft, "mql", by=people["editor"], score_threshold=threshold)
    return submit_version(draft, people["editor"])


def test_two_final_approvals_at_once_publish_exactly_once(app, setup):
    people = setup
    for round_number in range(ROUNDS):
        version = new_version_in_review(people, 60 + round_number)
        outcomes = run_together(app, [(approve_version, people["marketing"].id, version.id),
                                      (approve_version, people["sales"].id, version.id)])
        assert outcomes == ["ok", "ok"]
        version = _db.session.get(Version, version.id)
        assert version.state == "published" and version.number == f"1.{round_number + 1}.0"
        assert sorted(_db.session.scalars(select(Approval.team).where(Approval.version_id == version.id))) == \
            ["marketing", "sales"]
        assert published_events() == round_number + 2 - 1  # the factory's 1.0.0 has no event
        assert _db.session.scalar(select(func.count()).select_from(Version)
                                  .where(Version.state == "published")) == 1


def test_two_approvers_of_one_team_at_once_sign_once(app, setup):
    people = setup
    for round_number in range(ROUNDS):
        version = new_version_in_review(people, 60 + round_number)
        approve_version(version, _db.session.get(User, people["marketing"].id))
        outcomes = run_together(app, [(approve_version, people["sales"].id, version.id),
                                      (approve_version, people["sales_2"].id, version.id)])
        assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
        refusal = next(o for o in outcomes if o != "ok")
        assert "already approved" in refusal or "this one is published" in refusal
        assert _db.session.scalar(select(func.count()).select_from(Approval)
                                  .where(Approval.version_id == version.id)) == 2
        assert published_events() == round_number + 1


def test_two_drafts_opened_at_once_make_one_draft(app, setup):
    people = setup
    outcomes = run_together(app, [(open_draft, people["editor"].id, None),
                                  (open_draft, people["editor"].id, None)])
    assert sorted(outcomes) == ["A version is already open: finish or send back that one first.", "ok"]
    assert _db.session.scalar(select(func.count()).select_from(Version).where(Version.state == "draft")) == 1
    assert get_open_version() is not None
