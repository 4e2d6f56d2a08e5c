"""Put synthetic content into a database with the project's own models and services.

Published versions go through the real life cycle (submit_version, approvals, publish_version),
so the frozen bytes, the semantic number and whatever publishing triggers (the glossary index,
the webhook outbox) are exactly what production makes. A long history, where only its size
matters, is inserted cheaply with Core statements that still respect the immutability triggers
(rows are written as drafts, then frozen in one UPDATE).
"""
import hashlib
import time
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import delete, insert, select, update

from app.extensions import db
from app.models import Approval, Entry, Team, User, Version, VersionState
from app.models.base import utcnow
from app.sla.document import build_document, canonical_bytes, content_hash
from app.sla.sections import SECTIONS, normalise_fields
from app.versions.policy import required_teams
from app.versions.services import open_draft, publish_version, submit_version
from bench.data import EntrySpec

# A fixed hash that matches no password: benchmark users never sign in.
NO_PASSWORD = "scrypt:32768:8:1$bench$" + "0" * 128


@dataclass
class People:
    """Ids of the benchmark's users, loaded into whichever session is current when used."""
    editor_id: int
    approver_ids: dict[str, int]  # team slug -> approver's id
    reader_id: int

    @property
    def editor(self) -> User:
        return db.session.get(User, self.editor_id)

    @property
    def approvers(self) -> dict[str, User]:
        return {team: db.session.get(User, user_id) for team, user_id in self.approver_ids.items()}

    @property
    def reader(self) -> User:
        return db.session.get(User, self.reader_id)


def seed_people() -> People:
    """The core teams, an editor and one approver for each team that must sign."""
    from app.admin.services import ensure_core_teams

    ensure_core_teams()
    teams = {team.slug: team for team in db.session.scalars(select(Team))}
    editor = User(email="editor@bench.example", name="Bench Editor", team=teams["marketing"],
                  role="editor", password_hash=NO_PASSWORD)
    db.session.add(editor)
    approvers = {}
    for slug in required_teams():
        approvers[slug] = User(email=f"approver-{slug}@bench.example", name=f"Bench Approver {slug}",
                               team=teams[slug], role="approver", password_hash=NO_PASSWORD)
        db.session.add(approvers[slug])
    reader = User(email="reader@bench.example", name="Bench Reader", team=teams["sales"], role="reader",
                  password_hash=NO_PASSWORD)
    db.session.add(reader)
    db.session.commit()
    return People(editor.id, {team: user.id for team, user in approvers.items()}, reader.id)


def session_cookie(app, user: User, user_agent: str) -> str:
    """A Cookie header for `user`, holding what signing in stores (Flask-Login's user id and
    client identifier, and a CSRF secret), so a reading page answers as for a signed-in reader."""
    from flask_login.utils import _create_identifier

    with app.test_request_context(headers={"User-Agent": user_agent}, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = _create_identifier()
    data = {"_user_id": user.get_id(), "_fresh": True, "_id": identifier,
            "csrf_token": hashlib.sha1(b"accord-bench").hexdigest()}
    value = app.session_interface.get_signing_serializer(app).dumps(data)
    return f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={value}"


def add_draft(specs: list[EntrySpec], people: People) -> Version:
    """An open draft holding these entries, written with one Core INSERT (setup, never timed)."""
    draft = Version(state=VersionState.DRAFT.value, created_by_id=people.editor_id)
    db.session.add(draft)
    db.session.flush()
    db.session.execute(insert(Entry), [{**spec.columns(), "version_id": draft.id, "updated_by_id": people.editor_id}
                                       for spec in specs])
    db.session.commit()
    return draft


def sign_and_publish(version: Version, people: People, submit: bool = True) -> float:
    """Submit, sign for every required team, then publish; returns publish_version's seconds.

    With submit=False the draft is put under review with one UPDATE instead of submit_version
    (whose own diff would double the setup time of a large version); publish_version checks
    state, signatures, content hash and change all the same."""
    if submit:
        submit_version(version, by=people.editor)
    else:
        db.session.execute(update(Version).where(Version.id == version.id).values(
            state=VersionState.IN_REVIEW.value, submitted_at=utcnow()))
        db.session.commit()
    digest = content_hash(version)
    for team, approver_id in people.approver_ids.items():
        db.session.add(Approval(version_id=version.id, team=team, user_id=approver_id, content_hash=digest))
    db.session.commit()
    publisher = people.approvers[min(people.approver_ids)]
    started = time.perf_counter()
    publish_version(version, by=publisher)
    return time.perf_counter() - started


def publish_entries(specs: list[EntrySpec], people: People, submit: bool = True) -> tuple[Version, float]:
    """A first (or next) published version holding exactly these entries."""
    draft = add_draft(specs, people)
    return draft, sign_and_publish(draft, people, submit)


def revise(specs: list[EntrySpec], round_number: int, fraction: float = 0.02) -> list[EntrySpec]:
    """The entries after a review round: prose of `fraction` of them, one structured value and one
    new term changed (a minor version). Nothing is removed, so rounds can follow each other."""
    ordered = sorted(specs, key=lambda s: s.key)
    step = max(1, int(1 / fraction))
    revised = {spec.key for spec in ordered[round_number % step::step]}
    scoring = next((s.key for s in ordered if s.section == "lead_scoring"), None)
    result = []
    for spec in specs:
        if spec.key in revised:
            spec = replace(spec, definition=spec.definition + f"\n\nRevised in review round {round_number}.")
        if spec.key == scoring:
            spec = replace(spec, fields={**spec.fields, "points": ((spec.fields.get("points") or 0) + 1) % 1000})
        result.append(spec)
    result.append(EntrySpec(section="terms", key=f"bench-added-{round_number}", name=f"Added term {round_number}",
                            team="sales", definition=f"A term added in review round {round_number}.",
                            fields=normalise_fields(SECTIONS["terms"], {})))
    return result


def timed_open_draft(people: People) -> float:
    """Seconds open_draft takes to copy the current version into a new draft (left open)."""
    started = time.perf_counter()
    open_draft(by=people.editor)
    return time.perf_counter() - started


def raw_insert_seconds(specs: list[EntrySpec], people: People) -> float:
    """The baseline: the same rows written with one Core bulk INSERT and a commit (then removed)."""
    scratch = Version(state=VersionState.DRAFT.value, title="bench scratch")
    db.session.add(scratch)
    db.session.commit()
    rows = [{**spec.columns(), "version_id": scratch.id, "updated_by_id": people.editor_id} for spec in specs]
    started = time.perf_counter()
    db.session.execute(insert(Entry), rows)
    db.session.commit()
    seconds = time.perf_counter() - started
    db.session.execute(delete(Entry).where(Entry.version_id == scratch.id))
    db.session.execute(delete(Version).where(Version.id == scratch.id))
    db.session.commit()
    return seconds


def insert_history(count: int, specs: list[EntrySpec], people: People) -> None:
    """`count` superseded versions holding `specs` each, inserted cheaply (no life cycle)."""
    template = canonical_bytes({**build_document(_DocumentStub(specs), ()),
                                "version": "@number@", "published_at": "@published@"})
    start = utcnow() - timedelta(days=count + 1)
    previous_id = None
    for index in range(count):
        number = f"0.{index // 1000}.{index % 1000}"
        version = Version(state=VersionState.DRAFT.value, based_on_id=previous_id, created_by_id=people.editor_id)
        db.session.add(version)
        db.session.flush()
        db.session.execute(insert(Entry), [{**spec.columns(), "version_id": version.id} for spec in specs])
        moment = start + timedelta(days=index)
        document = template.replace(b"@number@", number.encode()).replace(
            b"@published@", (moment.replace(microsecond=0).isoformat() + "Z").encode())
        db.session.execute(update(Version).where(Version.id == version.id).values(
            state=VersionState.SUPERSEDED.value, number=number, change="minor", published_at=moment,
            superseded_at=moment + timedelta(days=1), effective_from=moment.date(), submitted_at=moment,
            document=document, sha256=hashlib.sha256(document).hexdigest()))
        previous_id = version.id
        if index % 50 == 49:
            db.session.commit()
    db.session.commit()


class _DocumentStub:
    """Just enough of a Version for build_document over plain specs."""

    def __init__(self, specs: list[EntrySpec]):
        self.number, self.published_at, self.effective_from = None, None, None
        self.title = "Sales & Marketing SLA"
        self.entries = [Entry(**spec.columns()) for spec in specs]
