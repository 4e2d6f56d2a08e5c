"""Schema 2 of the document: versions published under schema 1 keep their bytes and their schema, a
database of schema 1 upgrades, and the fields the registry gained are compared as absent, not removed."""
import hashlib
import json

import pytest
from flask_migrate import upgrade
from jsonschema import Draft202012Validator, FormatChecker

from app import create_app
from app.api.tokens import create_token
from app.demo.content import PUBLISHED
from app.demo.loader import entry_from_item
from app.extensions import db
from app.models import Entry, Team, User, Version, VersionState
from app.models.base import utcnow
from app.sla.diff import compare_documents
from app.sla.document import build_document, canonical_bytes, schema_version_of
from app.sla.schema import document_schema
from app.sla.sections import SCHEMA_VERSION, SECTION_LIST, SECTIONS
from app.versions.checks import version_checks
from app.versions.services import pending_diff
from tests.conftest import _PASSWORD_HASH, sign_in
from tests.factories import make_entry
from tests.test_api_support import auth, token  # noqa: F401

NEW_SECTIONS = [s.key for s in SECTION_LIST if s.since > 1]
NEW_FIELDS = [(s.key, f) for s in SECTION_LIST if s.since == 1 for f in s.fields if f.since > 1]


def schema1_fields(section_key: str, fields: dict) -> dict:
    """An entry's structured fields as part one stored them."""
    return {f.name: fields.get(f.name) for f in SECTIONS[section_key].fields_in(1)}


def schema1_document(document: dict) -> dict:
    """A document as part one published it: no schema_version, no new sections, fields or positions."""
    old = {key: value for key, value in document.items() if key != "schema_version"}
    old["sections"] = {}
    for section_key, entries in document["sections"].items():
        section = SECTIONS[section_key]
        if section.since > 1:
            continue
        kept = {"key", "name", "team", "definition", "deprecated", "superseded_by", "translations",
                *(("position",) if section.ordered_in(1) else ()), *(f.name for f in section.fields_in(1))}
        old["sections"][section_key] = [{k: v for k, v in e.items() if k in kept} for e in entries]
    return old


def schema1_entries(changes: dict | None = None) -> list[Entry]:
    """The demo's entries of the part-one sections, with part one's fields (and `changes` by key)."""
    entries = []
    for section_key, items in PUBLISHED.items():
        if SECTIONS[section_key].since > 1:
            continue
        for position, item in enumerate(items, start=1):
            entry = entry_from_item(section_key, {**item, **(changes or {}).get(item["key"], {})}, position)
            entry.fields = schema1_fields(section_key, entry.fields)
            entry.translations = None
            if not SECTIONS[section_key].ordered_in(1):
                entry.position = 0
            entries.append(entry)
    return entries


def publish_schema1(number: str, entries: list[Entry], previous: Version | None) -> Version:
    """A version frozen with the bytes part one would have written."""
    version = Version(state=VersionState.DRAFT.value, title="Sales & Marketing SLA")
    version.entries.extend(entries)
    db.session.add(version)
    db.session.flush()
    if previous is not None:
        previous.state, previous.superseded_at = VersionState.SUPERSEDED.value, utcnow()
        version.based_on = previous
    version.number, version.state, version.change = number, VersionState.PUBLISHED.value, "minor"
    version.published_at = utcnow()
    version.effective_from = version.published_at.date()
    with db.session.no_autoflush:
        version.document = canonical_bytes(schema1_document(build_document(version)))
    version.sha256 = hashlib.sha256(version.document).hexdigest()
    db.session.commit()
    return version


@pytest.fixture
def upgraded(empty_database_url, app_config):
    """A database that held 1.0.0 and 1.1.0 (MQL threshold raised to 60) and an open draft under
    schema 1, upgraded to the newest migration; yields (app, bytes and hashes before the upgrade)."""
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0010")
        first = publish_schema1("1.0.0", schema1_entries(), None)
        second = publish_schema1("1.1.0", schema1_entries({"mql": {"score_threshold": 60}}), first)
        draft = Version(state=VersionState.DRAFT.value, based_on=second, title="Sales & Marketing SLA")
        draft.entries.extend(schema1_entries({"mql": {"score_threshold": 60}}))
        db.session.add(draft)
        db.session.commit()
        before = {v.number: (bytes(v.document), v.sha256) for v in (first, second)}
        upgrade(revision="heads")
        plaintext = create_token("a tool")[1]
        team = Team(slug="marketing", name="Marketing")
        db.session.add(User(email="editor@example.com", name="Ed Itor", team=team, role="editor", active=True,
                            password_hash=_PASSWORD_HASH))
        db.session.commit()
        app.auth = {"Authorization": f"Bearer {plaintext}"}
        yield app, before
        db.session.remove()
        db.engine.dispose()


def test_the_upgrade_keeps_every_published_version_byte_identical_and_served(upgraded):
    app, before = upgraded
    client = app.test_client()
    with app.app_context():
        for number, (document, sha256) in before.items():
            row = db.session.scalar(db.select(Version).where(Version.number == number))
            assert (bytes(row.document), row.sha256) == (document, sha256)
            response = client.get(f"/api/v1/sla/versions/{number}", headers=app.auth)
            assert response.status_code == 200
            assert response.get_data() == document
            assert response.headers["ETag"] == f'"{sha256}"'
            assert schema_version_of(json.loads(document)) == 1


def test_a_schema_1_version_keeps_the_schema_it_was_published_under(upgraded):
    app, before = upgraded
    client = app.test_client()
    for number, (document, _sha256) in before.items():
        schema = client.get(f"/api/v1/schema?version={number}", headers=app.auth).get_json()
        assert schema == document_schema(1)
        assert list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(
            json.loads(document))) == []
        assert list(Draft202012Validator(document_schema(2)).iter_errors(json.loads(document)))


def test_the_open_draft_stays_editable_and_its_lead_statuses_get_an_order(upgraded):
    app, _before = upgraded
    with app.app_context():
        draft = db.session.scalar(db.select(Version).where(Version.state == VersionState.DRAFT.value))
        statuses = sorted((e for e in draft.entries if e.section == "lead_statuses"), key=lambda e: e.position)
        assert [e.position for e in statuses] == list(range(1, len(statuses) + 1))
        assert [e.name.lower() for e in statuses] == sorted(e.name.lower() for e in statuses)
        diff = pending_diff(draft)
        assert diff["change"] == "minor" and diff["breaking"] == []  # the agreed order is new, nothing went
        changed = {item["key"]: set(item["fields"]) for items in diff["sections"].values()
                   for item in items["changed"]}
        assert set(changed) == {e.key for e in statuses} and set().union(*changed.values()) == {"position"}
        errors = [check.code for check in version_checks(draft) if check.severity == "error"]
        assert errors == []  # checked against a schema-1 predecessor, the upgraded draft may be submitted
        editor = db.session.scalar(db.select(User).where(User.email == "editor@example.com"))
    client = app.test_client()
    sign_in(client, editor)
    page = client.get("/draft/lead_statuses")
    assert page.status_code == 200 and "Returned – not ready" in page.get_data(as_text=True)
    moved = client.post(f"/draft/lead_statuses/{statuses[-1].key}/move", data={"direction": "up"})
    assert moved.status_code in (200, 302, 303), moved.get_data(as_text=True)[:300]
    with app.app_context():
        order = [e.key for e in db.session.scalars(db.select(Entry).where(
            Entry.version_id == draft.id, Entry.section == "lead_statuses").order_by(Entry.position))]
    assert order[-2] == statuses[-1].key


def test_a_document_published_now_states_schema_2_and_validates(app, make_user):
    from tests.factories import make_published
    version = make_published([make_entry("calendars", "bangkok-office", timezone="Asia/Bangkok",
                                          workdays=["mon", "tue"], start="09:00", end="18:00",
                                          holidays=["2026-12-05"])])
    document = json.loads(version.document)
    assert document["schema_version"] == SCHEMA_VERSION == 2
    assert document["sections"]["calendars"][0]["holidays"] == ["2026-12-05"]
    errors = Draft202012Validator(document_schema(), format_checker=FormatChecker()).iter_errors(document)
    assert list(errors) == []


@pytest.mark.parametrize("wanted, status", [("1", 200), ("2", 200), ("", 200), ("3", 400), ("latest", 400),
                                            ("9.9.9", 404)])
def test_the_schema_endpoint_answers_each_schema_version(client, auth, wanted, status):
    response = client.get(f"/api/v1/schema?version={wanted}", headers=auth)
    assert response.status_code == status
    if status != 200:
        assert response.mimetype == "application/problem+json"
        return
    schema = response.get_json()
    expected = int(wanted or SCHEMA_VERSION)
    assert schema == document_schema(expected)
    assert ("calendars" in schema["properties"]["sections"]["properties"]) is (expected == 2)
    assert ("schema_version" in schema["required"]) is (expected == 2)
    assert ("position" in schema["$defs"]["Entry_lead_statuses"]["properties"]) is (expected == 2)


def _documents(old_fields: dict, new_fields: dict, section="lead_statuses") -> tuple[dict, dict]:
    """A schema-1 document with one entry and a schema-2 one with the same entry and `new_fields`."""
    entry = {"key": "s", "name": "S", "team": "sales", "definition": "d", "deprecated": False,
             "superseded_by": None, **old_fields}
    old = {"version": "1.0.0", "sections": {section: [entry]}}
    new = {"schema_version": 2, "version": None, "sections": {section: [{**entry, **new_fields}]}}
    return old, new


@pytest.mark.parametrize("section_key, f", NEW_FIELDS, ids=lambda v: getattr(v, "name", v))
def test_a_field_the_registry_gained_left_empty_is_no_change(section_key, f):
    from app.sla.sections import empty_value
    old, new = _documents({}, {f.name: empty_value(f)}, section_key)
    assert compare_documents(old, new)["change"] is None


SET_VALUES = {"text": "marketingqualifiedlead", "longtext": "Some prose.", "number": 0.5, "int": 3,
              "bool": True, "choice": None, "ref": "x", "refs": ["x"], "email": "owner@example.com"}


@pytest.mark.parametrize("section_key, f", NEW_FIELDS, ids=lambda v: getattr(v, "name", v))
def test_a_field_the_registry_gained_set_is_an_addition_never_a_removal(section_key, f):
    value = f.choices[0] if f.kind == "choice" else SET_VALUES[f.kind]
    old, new = _documents({}, {f.name: value}, section_key)
    diff = compare_documents(old, new)
    assert diff["change"] == ("patch" if f.is_prose else "minor")
    assert diff["breaking"] == []
    assert diff["sections"][section_key]["changed"][0]["fields"] == {f.name: {"old": None, "new": value}}


@pytest.mark.parametrize("section_key", NEW_SECTIONS)
def test_entries_of_a_new_section_are_additions(section_key):
    old = {"version": "1.0.0", "sections": {}}
    new = {"schema_version": 2, "sections": {section_key: [{"key": "x", "name": "X"}]}}
    diff = compare_documents(old, new)
    assert diff["change"] == "minor" and len(diff["sections"][section_key]["added"]) == 1


def test_a_schema_2_field_removed_later_is_a_breaking_change():
    _old, new = _documents({}, {"crm_value": "NEW"})
    diff = compare_documents(new, {**new, "sections": {"lead_statuses": [
        {k: v for k, v in new["sections"]["lead_statuses"][0].items() if k != "crm_value"}]}})
    assert diff["change"] == "major" and "crm_value" in str(diff["breaking"][0])
