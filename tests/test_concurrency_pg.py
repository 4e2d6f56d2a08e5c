"""Races on PostgreSQL: many saves from one revision, many final approvals, readers during a publish.

Each thread works in its own app context (so its own session and connection); a barrier
releases them together. Every loop is bounded in count and in time.
"""
import hashlib
import json
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from app import create_app
from app.api.tokens import create_token
from app.editing.services import StaleEntryError, update_entry
from app.extensions import db
from app.models import Approval, AuditEvent, Entry, User, Version
from app.transactions import transaction
from app.versions.errors import VersionError
from app.versions.services import approve_version, open_draft, submit_version
from tests.conftest import TEST_DATABASE_URL
from tests.factories import make_draft, make_entry, make_published

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="concurrency is tested on PostgreSQL: set TEST_DATABASE_URL"),
]

THREADS_SAVE = 50
THREADS_APPROVE = 20
TIME_LIMIT = 60  # seconds any one race may take


@pytest.fixture
def race_app(database_url):
    """A second app on the same database, with a pool big enough for every thread at once."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 30, "max_overflow": 0, "pool_timeout": TIME_LIMIT}})
    yield app
    with app.app_context():
        db.engine.dispose()


def race(app, count: int, action) -> list:
    """Run action(i) in `count` threads released together; returns each outcome or exception."""
    barrier = threading.Barrier(count, timeout=TIME_LIMIT)

    def run(i):
        with app.app_context():
            try:
                barrier.wait()
                with transaction():
                    return action(i)
            except Exception as error:  # the outcome under test, collected for the assertions
                return error
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count), timeout=TIME_LIMIT))


def version_in_review(make_user, sales_approvers: int):
    """1.0.0 published, a changed draft submitted, marketing signed: only sales is missing."""
    editor = make_user("editor", team="marketing")
    marketing = make_user("approver", team="marketing")
    approvers = [make_user("approver", team="sales") for _ in range(sales_approvers)]
    make_published([make_entry("terms", "lead", definition="Anyone who left an address."),
                    make_entry("lifecycle_stages", "mql", owner_team="marketing", entry_criteria="Score 50",
                               score_threshold=50)], number="1.0.0", approvers=[marketing, approvers[0]])
    draft = open_draft(by=editor)
    entry = next(e for e in draft.entries if e.key == "lead")
    entry.definition = "Anyone who left an address and agreed to be contacted."
    entry.revision += 1
    db.session.commit()
    submit_version(draft, editor)
    approve_version(draft, marketing)
    return draft, approvers


def test_concurrent_final_approvals_publish_exactly_once(app, race_app, make_user):
    draft, approvers = version_in_review(make_user, THREADS_APPROVE)
    draft_id, ids = draft.id, [a.id for a in approvers]  # plain ids: the threads share no ORM objects

    def approve(i):
        version, user = db.session.get(Version, draft_id), db.session.get(User, ids[i])
        approve_version(version, user)
        return "signed"

    outcomes = race(race_app, THREADS_APPROVE, approve)
    unexpected = [o for o in outcomes if o != "signed" and not isinstance(o, VersionError)]
    assert not unexpected, unexpected
    assert outcomes.count("signed") == 1, outcomes
    db.session.expire_all()
    published = db.session.scalars(select(Version).where(Version.state == "published")).all()
    assert [v.id for v in published] == [draft_id]
    assert published[0].number == "1.0.1"
    numbers = db.session.scalars(select(Version.number).where(Version.number.is_not(None))).all()
    assert sorted(numbers) == ["1.0.0", "1.0.1"]
    assert db.session.scalar(select(func.count()).select_from(Approval)
                             .where(Approval.version_id == draft_id, Approval.team == "sales")) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "version.published", AuditEvent.version_id == draft_id)) == 1
    assert hashlib.sha256(published[0].document).hexdigest() == published[0].sha256


def test_readers_during_a_publish_get_one_whole_document(app, make_user, live_server):
    draft, approvers = version_in_review(make_user, 1)
    with transaction():
        _, token = create_token("reader loop")
    old_sha = db.session.scalar(select(Version.sha256).where(Version.state == "published"))
    url = live_server.url + "/api/v1/sla"
    # The server is another worker: it lags the publish by at most its memo of the current version.
    live_server.app.config["ACCORD_CURRENT_TTL"] = 0.05
    stop, seen, problems = threading.Event(), [], []

    def read(_):
        deadline, count, changed = time.monotonic() + 30, 0, False
        while time.monotonic() < deadline and not (stop.is_set() and count > 20 and changed):
            request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(request, timeout=10) as response:
                body, etag = response.read(), response.headers["ETag"].strip('"')
            digest = hashlib.sha256(body).hexdigest()
            if digest != etag:
                problems.append(f"ETag {etag} but the bytes hash to {digest}")
            json.loads(body)  # a whole document, never a torn one
            seen.append(digest)
            changed = changed or digest != old_sha
            count += 1
        return count

    with ThreadPoolExecutor(max_workers=4) as pool:
        readers = [pool.submit(read, i) for i in range(4)]
        time.sleep(0.2)
        approve_version(db.session.get(Version, draft.id), approvers[0])
        stop.set()
        counts = [r.result(timeout=60) for r in readers]
    new_sha = db.session.scalar(select(Version.sha256).where(Version.state == "published"))
    assert new_sha != old_sha
    assert not problems, problems[:5]
    assert set(seen) <= {old_sha, new_sha}
    assert new_sha in seen and sum(counts) == len(seen) > 80


def test_concurrent_saves_from_one_revision_keep_exactly_one(app, race_app, make_user):
    editors = [make_user("editor", team="marketing" if i % 2 else "sales") for i in range(THREADS_SAVE)]
    draft = make_draft([make_entry("terms", "lead", definition="The first text.")])
    entry = draft.entries[0]
    entry_id, revision, editor_ids = entry.id, entry.revision, [e.id for e in editors]
    base = {"key": "lead", "name": "Lead", "team": "marketing", "deprecated": False, "superseded_by": None,
            "fields": dict(entry.fields)}

    def save(i):
        row, user = db.session.get(Entry, entry_id), db.session.get(User, editor_ids[i])
        update_entry(row, {**base, "definition": f"Text written by editor {i}."}, revision, by=user)
        return i

    outcomes = race(race_app, THREADS_SAVE, save)
    winners = [o for o in outcomes if isinstance(o, int)]
    unexpected = [o for o in outcomes if not isinstance(o, (int, StaleEntryError))]
    assert not unexpected, unexpected[:3]
    assert len(winners) == 1, outcomes
    db.session.expire_all()
    stored = db.session.get(Entry, entry_id)
    assert stored.definition == f"Text written by editor {winners[0]}."
    assert stored.revision == revision + 1
    assert stored.updated_by_id == editor_ids[winners[0]]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "entry.changed")) == 1
