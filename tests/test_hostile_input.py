"""Hostile input through every form and API input: never a 5xx, never half-written.

For every text field the rule is the same: either the text is stored exactly as entered (after
the field's documented normalisation: trimmed, and line endings made LF in multi-line fields)
and reads back so, or the request is refused with a 4xx and a message and nothing changed.
Strings are batched: one request gives the same string to every free-text field of a form,
and one test walks the whole corpus, so each field sees every string in a bounded time.
"""
import json
from urllib.parse import quote

import pytest
from sqlalchemy import select

from app.demo.content import PUBLISHED
from app.editing.validation import format_criteria, split_lines
from app.extensions import db
from app.models import Entry
from app.sla.sections import SECTIONS
from tests.factories import make_draft, make_entry
from tests.hostile_strings import HOSTILE_STRINGS, INVALID_UTF8, ascii_safe

HTMX = {"HX-Request": "true"}
SMALL = 40  # strings per field for forms whose field classes the full corpus already covers
MESSAGE_MARKERS = (b"field-error", b'role="alert"', b"form-errors", b'"detail"', b"flash", b"error")


def sample(count: int) -> list[str]:
    """A deterministic spread over the corpus, always with the nastiest few."""
    step = max(1, len(HOSTILE_STRINGS) // count)
    picked = HOSTILE_STRINGS[::step]
    nastiest = ["\x00", "null\x00byte", "A" * 100_000, "\u202eevil\u202c reversed", "👩‍👩‍👧‍👦",
                "<script>alert(1)</script>", "{{7*7}}", "' OR 1=1 --", "", "   "]
    return list(dict.fromkeys(picked + nastiest))


def segment(text: str) -> str:
    """The text as one URL path segment, percent-encoded as a client sends it."""
    return quote(text[:300], safe="")


def one_line(value: str) -> str:
    return value.strip()


def without_nul(value: str) -> str:
    """Review texts drop NUL characters (PostgreSQL text cannot hold them), then are trimmed."""
    return value.replace("\x00", "").strip()


def multi_line(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class Findings:
    """Collects every broken promise, so one run reports them all."""

    def __init__(self):
        self.problems: list[str] = []

    def add(self, where: str, text: str, problem: str) -> None:
        self.problems.append(f"{where} [{ascii_safe(text)}]: {problem}")

    def refused_properly(self, where: str, text: str, response, client=None) -> None:
        if response.status_code in (302, 303) and client is not None and flashed_error(client):
            return  # post/redirect/get: the message is flashed and shown on the next page
        if not 400 <= response.status_code < 500:
            self.add(where, text, f"neither stored nor refused with a 4xx (got {response.status_code})")
        elif not any(marker in response.data for marker in MESSAGE_MARKERS):
            self.add(where, text, f"refused with {response.status_code} but without a message")

    def no_server_error(self, where: str, text: str, response) -> bool:
        if response.status_code >= 500:
            self.add(where, text, f"server error {response.status_code}")
            return False
        return True

    def check(self) -> None:
        assert not self.problems, f"{len(self.problems)} problems:\n" + "\n".join(self.problems[:40])


def flashed_error(client) -> bool:
    with client.session_transaction() as session:
        flashes = session.pop("_flashes", [])
    return any(category == "error" for category, _message in flashes)


# --- the draft's entry forms ------------------------------------------------------------------

# The free-text fields of each section and how each reads back: (name, kind).
TEXT_FIELDS = {
    "commitments": [("metric", "text"), ("unit", "text")],
    "icp": [("criteria", "criteria")],
    "personas": [("job_titles", "list"), ("goals", "list"), ("pains", "list"), ("objections", "list"),
                 ("channels", "list")],
    "buyer_journey": [("buyer_questions", "list"), ("content", "list"), ("exit_signal", "text")],
    "lifecycle_stages": [("entry_criteria", "longtext"), ("exit_criteria", "longtext")],
    "lead_types": [("routing", "text"), ("journey_notes", "longtext")],
    "deal_stages": [],
    "lead_statuses": [],
    "lead_scoring": [("field", "text"), ("value", "text")],
    "connect_attempts": [],
    "terms": [("synonyms", "list")],
}
# The section whose form gets the whole corpus: one-line, Markdown, list and text fields at once
# (the others, longtext and criteria included, get a sample; they share those field classes).
FULL_CORPUS_SECTIONS = ("buyer_journey",)


def demo_draft():
    """A draft holding the whole demo SLA, so every section has valid entries to edit."""
    entries = []
    for section, items in PUBLISHED.items():
        for position, item in enumerate(items, start=1):
            item = dict(item)
            base = {k: item.pop(k) for k in ("key", "name", "team", "definition")}
            item.pop("position", None)
            entries.append(make_entry(section, base["key"], name=base["name"], team=base["team"],
                                      definition=base["definition"], position=position, **item))
    return make_draft(entries)


def form_data(entry: Entry) -> dict:
    """The entry as its edit form posts it."""
    data = {"key": entry.key, "name": entry.name, "team": entry.team, "definition": entry.definition,
            "revision": str(entry.revision), "superseded_by": entry.superseded_by or ""}
    if entry.deprecated:
        data["deprecated"] = "y"
    for f in SECTIONS[entry.section].fields:
        value = (entry.fields or {}).get(f.name)
        if f.kind == "bool":
            if value:
                data[f.name] = "y"
        elif f.kind == "list":
            data[f.name] = "\n".join(value or [])
        elif f.kind == "criteria":
            data[f.name] = format_criteria(value or [])
        elif f.kind == "refs":
            data[f.name] = list(value or [])
        else:
            data[f.name] = "" if value is None else str(value)
    return data


def hostile_value(kind: str, text: str) -> str:
    """What a field of this kind gets: criteria carry the text as a criterion's value."""
    return f"industry equals {text}" if kind == "criteria" else text


def read_back(entry: Entry, name: str, kind: str):
    if name in ("name", "definition"):
        return getattr(entry, name)
    value = (entry.fields or {}).get(name)
    if kind == "criteria":
        return value[0]["value"] if value else None
    return value


def expected_value(kind: str, text: str):
    if kind in ("name", "text"):
        return one_line(text) or None
    if kind in ("definition", "longtext"):
        return multi_line(text) or None
    if kind == "list":
        return split_lines(text)
    if kind == "criteria":
        lines = split_lines(hostile_value(kind, text))
        return lines[0].split(None, 2)[2].strip() if len(lines) == 1 and len(lines[0].split(None, 2)) == 3 else "?"
    raise AssertionError(kind)


def _same(got, wanted) -> bool:
    return got == wanted or (wanted in (None, []) and got in ("", None, []))


def snapshot(entry_id: int) -> dict:
    db.session.expire_all()
    entry = db.session.get(Entry, entry_id)
    return {"name": entry.name, "definition": entry.definition, "fields": json.dumps(entry.fields, sort_keys=True),
            "revision": entry.revision, "key": entry.key}


def send_through_entry_form(client, entry_id: int, fields: list[tuple[str, str]], strings, findings,
                            headers=HTMX) -> list[str]:
    """Post each string into all `fields` of one entry's edit form; returns the strings refused."""
    refused = []
    for text in strings:
        db.session.expire_all()
        entry = db.session.get(Entry, entry_id)
        url = f"/draft/{entry.section}/{entry.key}/edit"
        where = f"{entry.section}/{entry.key} {','.join(n for n, _ in fields)}"
        data = form_data(entry)
        for name, kind in fields:
            data[name] = hostile_value(kind, text)
        before = snapshot(entry_id)
        response = client.post(url, data=data, headers=headers)
        if not findings.no_server_error(where, text, response):
            continue
        after = snapshot(entry_id)
        entry = db.session.get(Entry, entry_id)
        wrong = [(name, read_back(entry, name, kind)) for name, kind in fields
                 if not _same(read_back(entry, name, kind), expected_value(kind, text))]
        if after["revision"] == before["revision"] + 1 or (not wrong and response.status_code < 400):
            # saved (a save that changes nothing keeps its revision)
            for name, got in wrong:
                findings.add(f"{where} {name}", text, f"stored {ascii_safe(str(got))!r}")
        else:
            if after != before:
                findings.add(where, text, "refused but the entry changed")
            findings.refused_properly(where, text, response)
            refused.append(text)
    return refused


def _entry_of(section: str) -> int:
    return db.session.scalars(select(Entry.id).where(Entry.section == section).order_by(Entry.id)).first()


@pytest.mark.parametrize("section", list(TEXT_FIELDS))
def test_entry_forms_store_exactly_or_refuse(app, login_as, section):
    client = login_as("editor")
    demo_draft()
    findings = Findings()
    strings = HOSTILE_STRINGS if section in FULL_CORPUS_SECTIONS else sample(SMALL)
    fields = [("name", "name"), ("definition", "definition")] + TEXT_FIELDS[section]
    refused = send_through_entry_form(client, _entry_of(section), fields, strings, findings)
    if section == "terms":
        # Markdown takes what one-line fields refuse: every such string again, in the definition alone.
        send_through_entry_form(client, _entry_of(section), [("definition", "definition")],
                                [t for t in HOSTILE_STRINGS if t not in strings or t in refused], findings)
    findings.check()


# --- every other form: one probe per text field ---------------------------------------------

NOTHING = object()


def probe(findings: Findings, where: str, strings, send, read, expected, client=None) -> None:
    """send(i, text) posts; read(i, text) is what got stored (NOTHING if nothing was)."""
    for i, text in enumerate(strings):
        response = send(i, text)
        if not findings.no_server_error(where, text, response):
            db.session.rollback()
            continue
        db.session.rollback()
        db.session.expire_all()
        got = read(i, text)
        if got is NOTHING:
            findings.refused_properly(where, text, response, client)
        elif got != expected(text):
            findings.add(where, text, f"stored {ascii_safe(str(got))!r}")


def newest(model, column, *where):
    row = db.session.scalars(select(model).where(*where).order_by(model.id.desc())).first()
    return NOTHING if row is None else getattr(row, column)


def test_admin_user_and_team_forms(app, login_as, make_user):
    from app.models import Team, User
    admin = login_as("admin")
    target = make_user("reader", email="target@example.com")
    findings, strings = Findings(), sample(SMALL)
    password = "a long enough password"

    def new_user(**fields):
        def send(i, text):
            data = {"email": f"hostile{i}@example.com", "name": f"User {i}", "password": password,
                    "team": "marketing", "role": "reader"}
            data.update({k: v if v != "TEXT" else text for k, v in fields.items()})
            return admin.post("/admin/users/new", data=data)
        return send

    probe(findings, "user name", strings, new_user(name="TEXT"),
          lambda i, t: newest(User, "name", User.email == f"hostile{i}@example.com"), one_line)
    probe(findings, "user email", strings, new_user(email="TEXT"),
          lambda i, t: newest(User, "email", User.name == f"User {i}"), lambda t: t.strip().lower())

    def password_works(i, text):
        user = db.session.scalar(select(User).where(User.email == f"hostile{i}@example.com"))
        return NOTHING if user is None else user.check_password(text)
    db.session.execute(User.__table__.delete().where(User.email.like("hostile%")))
    db.session.commit()
    probe(findings, "user password", strings, new_user(password="TEXT"), password_works, lambda t: True)

    def edit_name(i, text):
        db.session.get(User, target.id).name = "Before"
        db.session.commit()
        return admin.post(f"/admin/users/{target.id}/edit", data={"name": text, "team": "sales", "role": "editor"})
    probe(findings, "user edit name", strings, edit_name,
          lambda i, t: (lambda n: NOTHING if n == "Before" else n)(db.session.get(User, target.id).name), one_line)
    probe(findings, "user edit team", sample(30),
          lambda i, t: admin.post(f"/admin/users/{target.id}/edit", data={"name": "N", "team": t, "role": "reader"}),
          lambda i, t: NOTHING if db.session.get(User, target.id).team.slug == "sales" else "moved", lambda t: "x")

    probe(findings, "team name", strings,
          lambda i, t: admin.post("/admin/teams", data={"slug": f"team-{i}", "name": t}),
          lambda i, t: newest(Team, "name", Team.slug == f"team-{i}"), one_line)
    probe(findings, "team slug", strings,
          lambda i, t: admin.post("/admin/teams", data={"slug": t, "name": f"Team {i}"}),
          lambda i, t: newest(Team, "slug", Team.name == f"Team {i}"), lambda t: t)
    marketing = db.session.scalar(select(Team).where(Team.slug == "marketing"))

    def rename(i, text):
        db.session.get(Team, marketing.id).name = "Before"
        db.session.commit()
        return admin.post(f"/admin/teams/{marketing.id}/rename", data={"name": text})
    probe(findings, "team rename", strings, rename,
          lambda i, t: (lambda n: NOTHING if n == "Before" else n)(db.session.get(Team, marketing.id).name), one_line,
          client=admin)
    findings.check()


def test_admin_token_webhook_and_policy_forms(app, login_as):
    from app.models import ApiToken, Team, Webhook
    admin = login_as("admin")
    findings, strings = Findings(), sample(SMALL)
    seen = set()

    def token_read(i, text):
        rows = {row.id: row.name for row in db.session.scalars(select(ApiToken))}
        new = [row_id for row_id in rows if row_id not in seen]
        seen.update(new)
        return rows[new[0]] if new else NOTHING
    probe(findings, "token name", strings, lambda i, t: admin.post("/admin/tokens", data={"name": t}),
          token_read, one_line)

    hooks_seen = set()

    def webhook_read(column):
        def read(i, text):
            rows = {row.id: getattr(row, column) for row in db.session.scalars(select(Webhook))}
            new = [row_id for row_id in rows if row_id not in hooks_seen]
            hooks_seen.update(new)
            return rows[new[0]] if new else NOTHING
        return read
    probe(findings, "webhook url", strings,
          lambda i, t: admin.post("/admin/webhooks", data={"url": t, "secret": ""}), webhook_read("url"), one_line)
    probe(findings, "webhook url path", strings,
          lambda i, t: admin.post("/admin/webhooks", data={"url": "https://hooks.example.com/" + t, "secret": ""}),
          webhook_read("url"), lambda t: ("https://hooks.example.com/" + t).strip())
    probe(findings, "webhook secret", [t for t in strings if t.strip()],
          lambda i, t: admin.post("/admin/webhooks", data={"url": "https://hooks.example.com/x", "secret": t}),
          webhook_read("secret"), lambda t: t.strip())

    def policy(i, text):
        return admin.post("/admin/policy", data={"teams": [text, "sales"], "allow_self_approval": text})

    def policy_read(i, text):
        required = sorted(db.session.scalars(select(Team.slug).where(Team.required_for_approval.is_(True))))
        return NOTHING if required == ["marketing", "sales"] else required
    probe(findings, "policy teams", sample(40), policy, policy_read, lambda t: sorted({t, "sales"}))
    findings.check()


def review_world(make_user):
    """1.0.0 published and a changed version under review; returns it and an approver client's user."""
    from app.versions.services import open_draft, submit_version
    editor = make_user("editor", team="marketing")
    from tests.factories import make_published
    make_published([make_entry("terms", "lead", definition="Anyone who left an address.")], number="1.0.0")
    draft = open_draft(by=editor)
    draft.entries[0].definition = "Anyone who left an address and agreed to be contacted."
    draft.entries[0].revision += 1
    db.session.commit()
    submit_version(draft, editor)
    return draft.id, editor


def test_review_comment_send_back_and_approve_forms(app, login_as, make_user):
    from app.models import Comment, Version
    from app.versions.services import submit_version
    version_id, editor = review_world(make_user)
    approver = login_as("approver", team="sales")
    findings = Findings()
    comment_ids = set()

    def comment_read(column):
        def read(i, text):
            rows = {row.id: getattr(row, column) for row in db.session.scalars(select(Comment))}
            new = [row_id for row_id in rows if row_id not in comment_ids]
            comment_ids.update(new)
            return rows[new[0]] if new else NOTHING
        return read
    for headers in (HTMX, {}):
        probe(findings, f"comment body {bool(headers)}", sample(120 if headers else SMALL),
              lambda i, t: approver.post(f"/review/{version_id}/comments", data={"body": t, "entry_key": ""},
                                         headers=headers),
              comment_read("body"), without_nul)
    probe(findings, "comment entry", sample(SMALL),
          lambda i, t: approver.post(f"/review/{version_id}/comments", data={"body": "About this", "entry_key": t},
                                     headers=HTMX),
          comment_read("entry_key"), lambda t: t.strip() or None)

    def send_back(i, text):
        version = db.session.get(Version, version_id)
        if version.state != "in_review":
            submit_version(version, db.session.get(type(editor), editor.id))
        return approver.post(f"/review/{version_id}/send-back", data={"reason": text}, headers=HTMX)

    def reason_read(i, text):
        version = db.session.get(Version, version_id)
        return NOTHING if version.state == "in_review" else version.sent_back_reason
    probe(findings, "send-back reason", sample(SMALL), send_back, reason_read, without_nul)

    version = db.session.get(Version, version_id)
    if version.state != "in_review":
        submit_version(version, db.session.get(type(editor), editor.id))
    probe(findings, "approve content hash", sample(SMALL),
          lambda i, t: approver.post(f"/review/{version_id}/approve", data={"content_hash": t}, headers=HTMX),
          lambda i, t: NOTHING if db.session.get(Version, version_id).state == "in_review" else "approved",
          lambda t: "never")
    findings.check()


def test_other_draft_forms(app, login_as):
    """Add, deprecate, move, preview and the inline check of every field of a section."""
    client = login_as("editor")
    demo_draft()
    findings, strings = Findings(), sample(SMALL)

    def added(i, text):
        entry = db.session.scalar(select(Entry).where(Entry.key == f"hostile-{i}"))
        return NOTHING if entry is None else entry.name
    probe(findings, "add entry name", strings,
          lambda i, t: client.post("/draft/terms", data={"key": f"hostile-{i}", "name": t, "team": "sales",
                                                         "definition": t}, headers=HTMX),
          added, one_line)
    probe(findings, "add entry key", strings,
          lambda i, t: client.post("/draft/terms", data={"key": t, "name": f"Hostile {i}", "team": "sales"},
                                   headers=HTMX),
          lambda i, t: newest(Entry, "key", Entry.name == f"Hostile {i}"), one_line)
    probe(findings, "add entry team", strings,
          lambda i, t: client.post("/draft/terms", data={"key": f"team-{i}", "name": "Team test", "team": t},
                                   headers=HTMX),
          lambda i, t: newest(Entry, "team", Entry.key == f"team-{i}"), one_line)
    target = db.session.scalar(select(Entry).where(Entry.section == "terms").order_by(Entry.id))
    target_id, url = target.id, f"/draft/terms/{target.key}"

    def deprecate(i, text):
        entry = db.session.get(Entry, target_id)
        entry.deprecated, entry.superseded_by = False, None
        db.session.commit()
        return client.post(url + "/deprecate", data={"successor": text, "revision": str(entry.revision)},
                           headers=HTMX)
    probe(findings, "deprecate successor", strings, deprecate,
          lambda i, t: db.session.get(Entry, target_id).superseded_by if db.session.get(Entry, target_id).deprecated
          else NOTHING, lambda t: t.strip() or None)
    for i, text in enumerate(strings):
        for response, where in (
                (client.post("/draft/lifecycle_stages/mql/move", data={"direction": text}, headers=HTMX), "move"),
                (client.post("/draft/preview", data={"definition": text}, headers=HTMX), "preview"),
                (client.post("/draft/check/personas/goals", data={"goals": text}, headers=HTMX), "check goals"),
                (client.post("/draft/check/terms/name", data={"name": text}, headers=HTMX), "check name"),
                (client.post(f"/draft/check/terms/{segment(text)}", data={"x": text}, headers=HTMX), "check field name"),
                (client.get(f"/draft/{segment(text)}", headers=HTMX), "section path"),
                (client.get(f"/draft/terms/{segment(text)}", headers=HTMX), "entry path")):
            findings.no_server_error(where, text, response)
            db.session.rollback()
    findings.check()


def test_sign_in_and_acknowledgement_forms(app, login_as, make_user):
    from app.models import Acknowledgement
    from tests.factories import make_published
    make_published([make_entry("terms", "lead")], number="1.0.0")
    reader = login_as("reader")
    findings = Findings()
    for i, text in enumerate(sample(SMALL)):
        anonymous = app.test_client()
        for where, response in (("login email", anonymous.post("/login", data={"email": text, "password": "x" * 9})),
                                ("login password", anonymous.post("/login", data={"email": "a@example.com",
                                                                                  "password": text}))):
            if findings.no_server_error(where, text, response):
                findings.refused_properly(where, text, response)
        for field in ("version", "next"):
            data = {"version": "1.0.0", "next": "/glossary", field: text}
            response = reader.post("/acknowledgements", data=data)
            if not findings.no_server_error(f"acknowledge {field}", text, response):
                continue
            location = response.headers.get("Location", "")
            if location and not (location.startswith("/") and not location.startswith("//")
                                 or location.startswith("http://localhost/")):
                findings.add(f"acknowledge {field}", text, f"redirects off the site to {location[:80]}")
        db.session.rollback()
    assert db.session.scalar(select(Acknowledgement.id)) is not None, "the plain acknowledgement was recorded"
    findings.check()


def test_glossary_search_and_term_pages(app, login_as):
    from tests.factories import make_published
    make_published([make_entry("terms", "lead", definition="Anyone who left an address."),
                    make_entry("lifecycle_stages", "mql", name="Marketing Qualified Lead", owner_team="marketing",
                               entry_criteria="Score 50")], number="1.0.0")
    reader = login_as("reader")
    findings = Findings()
    for text in HOSTILE_STRINGS:
        query = text[:2000]
        for where, response in (
                ("glossary q", reader.get("/glossary", query_string={"q": query}, headers=HTMX)),
                ("glossary section/team", reader.get("/glossary", query_string={"section": query, "team": query},
                                                     headers=HTMX))):
            if findings.no_server_error(where, text, response) and response.status_code != 200:
                findings.refused_properly(where, text, response)
    for text in sample(SMALL):
        for where, response in (("glossary page", reader.get("/glossary", query_string={"q": text[:2000]})),
                                ("term path", reader.get("/terms/" + segment(text))),
                                ("version path", reader.get("/versions/" + segment(text))),
                                ("compare", reader.get("/compare", query_string={"from": text[:300], "to": "1.0.0"})),
                                ("print.md version", reader.get("/print.md", query_string={"version": text[:300]})),
                                ("print version", reader.get("/print", query_string={"version": text[:300]}))):
            findings.no_server_error(where, text, response)
    findings.check()


# --- the JSON API -------------------------------------------------------------------------------

@pytest.fixture
def api_client(app):
    from app.api.tokens import create_token
    from tests.factories import make_published
    scoring = [make_entry("lead_scoring", "demo-request", kind="engagement", field="demo_request", operator="exists",
                          points=30),
               make_entry("lead_scoring", "big", kind="fit", field="employees", operator="gte", value="200",
                          points=20),
               make_entry("lifecycle_stages", "mql", owner_team="marketing", entry_criteria="Score 50",
                          score_threshold=50)]
    make_published(scoring, number="1.0.0")
    _, token = create_token("hostile")
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def is_problem(response) -> bool:
    return response.mimetype == "application/problem+json" and {"title", "status", "detail"} <= set(response.json)


def test_api_inputs(api_client):
    findings = Findings()
    for text in HOSTILE_STRINGS:
        value = text[:1000]
        for where, response in (
                ("score body", api_client.post("/api/v1/score", json={"fields": {value: value, "employees": value},
                                                                      "events": [value, {"name": value}]})),
                ("score version", api_client.post("/api/v1/score", query_string={"version": value}, json={"fields": {}})),
                ("glossary version", api_client.get("/api/v1/glossary", query_string={"version": value})),
                ("compare", api_client.get("/api/v1/sla/compare", query_string={"from": value, "to": "1.0.0"})),
                ("section", api_client.get("/api/v1/sla/sections/" + segment(value), query_string={"version": value})),
                ("term", api_client.get("/api/v1/sla/terms/" + segment(value))),
                ("version", api_client.get("/api/v1/sla/versions/" + segment(value)))):
            if not findings.no_server_error(where, text, response):
                continue
            if response.status_code >= 400 and not is_problem(response):
                findings.add(where, text, f"{response.status_code} is not problem+json")
    findings.check()


@pytest.mark.parametrize("body,content_type,statuses", [
    (b"{", "application/json", {400}),
    (b'{"fields": ', "application/json", {400}),
    (b"[1, 2", "application/json", {400}),
    (b"not json at all", "application/json", {400}),
    (b'{"fields": {"a": NaN}}', "application/json", {400}),
    (b"[" * 100_000 + b"]" * 100_000, "application/json", {400}),
    (b'{"fields": {"a": "\\ud800"}}', "application/json", {200, 400}),  # valid JSON, a lone surrogate
    (b'{"fields": {"a": Infinity}}', "application/json", {400}),
    (b'{}', "text/plain", {415}),
    (b"\xff\xfe{}", "application/json", {400}),
    (b"x" * (1024 * 1024 + 1), "application/json", {413}),
    (b'{"fields": {"a": "' + b"x" * (1024 * 1024) + b'"}}', "application/json", {413}),
])
def test_api_refuses_malformed_and_oversized_bodies(api_client, body, content_type, statuses):
    response = api_client.post("/api/v1/score", data=body, content_type=content_type)
    assert response.status_code in statuses, response.data[:300]
    if response.status_code >= 400:
        assert is_problem(response), response.data[:300]


def test_invalid_utf8_never_reaches_the_database_or_breaks_a_page(app, login_as):
    """Bytes that are not UTF-8, in form bodies, query strings and paths: refused or replaced, no 5xx."""
    client = login_as("admin")
    demo_draft()
    entry = db.session.scalar(select(Entry).where(Entry.section == "terms").order_by(Entry.id))
    url, revision = f"/draft/terms/{entry.key}/edit", entry.revision
    findings = Findings()
    from urllib.parse import quote_from_bytes, urlencode
    for raw in INVALID_UTF8:
        label = repr(raw)
        fields = dict(form_data(entry), revision=str(revision))
        body = urlencode({k: v for k, v in fields.items() if k != "name"}, doseq=True) + "&name=" + quote_from_bytes(raw)
        for where, response in (
                ("entry form", client.post(url, data=body, content_type="application/x-www-form-urlencoded",
                                           headers=HTMX)),
                ("raw entry form", client.post(url, data=b"name=" + raw + b"&key=" + raw,
                                               content_type="application/x-www-form-urlencoded")),
                ("team form", client.post("/admin/teams", data=b"slug=x&name=" + raw,
                                          content_type="application/x-www-form-urlencoded")),
                ("glossary query", client.get("/glossary?q=" + quote_from_bytes(raw))),
                ("term path", client.get("/terms/" + quote_from_bytes(raw))),
                ("api score", client.post("/api/v1/score", data=b'{"fields": {"a": "' + raw + b'"}}',
                                          content_type="application/json")),
                ("api term", client.get("/api/v1/sla/terms/" + quote_from_bytes(raw)))):
            findings.no_server_error(where, label, response)
            db.session.rollback()
        db.session.expire_all()
        entry = db.session.get(Entry, entry.id)
        revision = entry.revision
        for value in (entry.name, entry.definition, entry.key):
            value.encode("utf-8")  # whatever was stored is valid UTF-8 (replacement characters at most)
    findings.check()
