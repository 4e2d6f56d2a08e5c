"""Every route × every method × every principal, against one explicit table of expected outcomes.

Routes come from Flask's URL map; a route that is not in EXPECTED fails, so a new route cannot
slip through without someone deciding who may use it. Outcome classes:
  allowed  past the access check: not 401/403, below 500, not sent to /login
  login    a page that sends the visitor to /login (302)
  401      the API without valid credentials (problem+json)
  403      signed in, but the role is too low (or, on the API, the account is deactivated)
  signed-out  sent to /login with the session ended (signing out)
"""
import re

import pytest

from app import create_app
from app.api.tokens import create_token, revoke_token
from app.extensions import db
from app.models import LeadImport, Webhook, WebhookDelivery
from app.models.accounts import role_at_least
from tests.conftest import sign_in
from tests.factories import make_draft, make_entry, make_published

# principal -> (role, team, active); None for the principals that are not users
PRINCIPALS = {
    "anonymous": None,
    "token": None,
    "revoked-token": None,
    "deactivated": ("admin", "marketing", False),
    "reader": ("reader", "marketing", True),
    "editor": ("editor", "sales", True),
    "approver-marketing": ("approver", "marketing", True),
    "approver-sales": ("approver", "sales", True),
    "approver-support": ("approver", "support", True),  # a team that is not required to sign
    "admin": ("admin", "marketing", True),
}
NOT_SIGNED_IN = ("anonymous", "token", "revoked-token", "deactivated")


def page(minimum: str | None) -> dict:
    """A page: the not-signed-in go to /login, lower roles get 403 (None: anyone signed in)."""
    outcome = {p: "login" for p in NOT_SIGNED_IN}
    for name, spec in PRINCIPALS.items():
        if spec is not None and spec[2]:
            outcome[name] = "allowed" if minimum is None or role_at_least(spec[0], minimum) else "403"
    return outcome


def public() -> dict:
    """Open to everyone, signed in or not."""
    return {p: "allowed" for p in PRINCIPALS}


def api() -> dict:
    """The API: a valid token or an active session; no or revoked token 401, a deactivated session 403."""
    outcome = {p: "allowed" for p in PRINCIPALS}
    outcome.update({"anonymous": "401", "revoked-token": "401", "deactivated": "403"})
    return outcome


def with_(base: dict, **changes) -> dict:
    return {**base, **{k.replace("_", "-"): v for k, v in changes.items()}}


ADMIN, APPROVER, EDITOR, READER = page("admin"), page("approver"), page("editor"), page("reader")
# Sign-off rules narrower than a role: sending back drops every signature, so only approvers of a
# team that must sign (and admins) may do it.
SIGN_OFF_RULES = {
    ("review.send_back", "POST"): with_(APPROVER, approver_support="403"),
}

EXPECTED: dict[tuple[str, str], dict] = {
    ("static", "GET"): public(),
    # signing in and out
    ("auth.login", "GET"): public(),
    ("auth.login", "POST"): public(),
    ("auth.logout", "GET"): page(None),
    # one's own account
    ("auth.account", "GET"): page(None),
    ("auth.account_name", "POST"): page(None),
    ("auth.account_password", "GET"): page(None),
    ("auth.account_preferences", "POST"): page(None),
    # the header's language switcher works before signing in too
    ("language.choose_language", "POST"): public(),
    ("auth.account_password", "POST"): page(None),
    ("auth.logout", "POST"): with_(page(None), reader="signed-out", editor="signed-out",
                                   approver_marketing="signed-out", approver_sales="signed-out",
                                   approver_support="signed-out", admin="signed-out"),
    # reading
    ("reading.home", "GET"): READER,
    ("reading.acknowledge", "POST"): READER,
    ("reading.print", "GET"): READER,
    ("reading.print_markdown", "GET"): READER,
    ("glossary.index", "GET"): READER,
    ("glossary.term", "GET"): READER,
    ("versions.index", "GET"): READER,
    ("versions.show", "GET"): READER,
    ("versions.compare", "GET"): READER,
    ("adherence.index", "GET"): READER,
    ("adherence.commitment", "GET"): READER,
    # editing the draft
    ("editing.draft", "GET"): EDITOR,
    ("editing.start_draft", "POST"): EDITOR,
    ("editing.section", "GET"): EDITOR,
    ("editing.add_entry", "POST"): EDITOR,
    ("editing.entry", "GET"): EDITOR,
    ("editing.edit_entry", "GET"): EDITOR,
    ("editing.edit_entry", "POST"): EDITOR,
    ("editing.delete_entry", "GET"): EDITOR,
    ("editing.delete_entry", "POST"): EDITOR,
    ("editing.deprecate_entry", "GET"): EDITOR,
    ("editing.deprecate_entry", "POST"): EDITOR,
    ("editing.move_entry", "POST"): EDITOR,
    ("editing.check_field", "POST"): EDITOR,
    ("editing.preview", "POST"): EDITOR,
    ("editing.key_suggestion", "GET"): EDITOR,
    # review
    ("review.review", "GET"): EDITOR,
    ("review.submit", "POST"): EDITOR,
    ("review.comment", "POST"): EDITOR,
    ("review.older_comments", "GET"): EDITOR,
    ("review.what_if_page", "GET"): EDITOR,
    ("review.what_if_page", "POST"): EDITOR,
    ("review.what_if_csv", "GET"): EDITOR,
    # lead data
    ("data.index", "GET"): EDITOR,
    ("data.index", "POST"): EDITOR,
    ("data.show_import", "GET"): EDITOR,
    ("data.import_errors", "GET"): EDITOR,
    ("review.approve", "POST"): APPROVER,
    ("review.send_back", "POST"): SIGN_OFF_RULES[("review.send_back", "POST")],
    # admin
    ("admin.users", "GET"): ADMIN,
    ("admin.user_new", "GET"): ADMIN,
    ("admin.user_new", "POST"): ADMIN,
    ("admin.user_edit", "GET"): ADMIN,
    ("admin.user_edit", "POST"): ADMIN,
    ("admin.user_deactivate", "POST"): ADMIN,
    ("admin.user_reactivate", "POST"): ADMIN,
    ("admin.user_force_reset", "POST"): ADMIN,
    ("admin.teams", "GET"): ADMIN,
    ("admin.teams", "POST"): ADMIN,
    ("admin.team_rename", "POST"): ADMIN,
    ("admin.policy", "GET"): ADMIN,
    ("admin.policy", "POST"): ADMIN,
    ("admin.language", "GET"): ADMIN,
    ("admin.language", "POST"): ADMIN,
    ("admin.audit", "GET"): ADMIN,
    ("admin.acknowledgements", "GET"): ADMIN,
    ("admin.acknowledgements_csv", "GET"): ADMIN,
    ("admin.tokens", "GET"): ADMIN,
    ("admin.tokens", "POST"): ADMIN,
    ("admin.token_revoke", "POST"): ADMIN,
    ("admin.webhooks", "GET"): ADMIN,
    ("admin.webhooks", "POST"): ADMIN,
    ("admin.webhook_delete", "POST"): ADMIN,
    ("admin.webhook_resend", "POST"): ADMIN,
    # the API
    ("api.sla", "GET"): api(),
    ("api.versions", "GET"): api(),
    ("api.version", "GET"): api(),
    ("api.section", "GET"): api(),
    ("api.term", "GET"): api(),
    ("api.glossary", "GET"): api(),
    ("api.compare", "GET"): api(),
    ("api.export_hubspot", "GET"): api(),
    ("api.export_salesforce", "GET"): api(),
    ("api.score", "POST"): api(),
    ("api.schema", "GET"): api(),
    ("api.checks", "GET"): api(),
    ("api.openapi", "GET"): api(),
    ("api.export_hubspot_pipeline", "GET"): api(),
    ("api.export_hubspot_lifecyclestage", "GET"): api(),
    ("api.export_hubspot_lead_status", "GET"): api(),
    ("api.export_salesforce_package", "GET"): api(),
    ("api.drift_hubspot", "POST"): api(),
    ("api.drift_salesforce", "POST"): api(),
    # writing lead events takes a token with the events:write scope: a read token is refused, a session never writes
    ("api.adherence", "GET"): api(),
    ("api.adherence_commitment", "GET"): api(),
    ("api.post_events", "POST"): with_(api(), token="403", reader="401", editor="401", approver_marketing="401",
                                       approver_sales="401", approver_support="401", admin="401"),
    # CRM drift by upload
    ("crm.drift", "GET"): ADMIN,
    ("crm.drift_hubspot", "POST"): ADMIN,
    ("crm.drift_salesforce", "POST"): ADMIN,
}

# Query strings and bodies that make a request reach its view's real work.
QUERY = {
    "api.compare": {"from": "1.0.0", "to": "1.1.0"},
    "versions.compare": {"from": "1.0.0", "to": "1.1.0"},
    "glossary.index": {"q": "lead"},
}
JSON_BODY = {"api.score": {"fields": {"employees": 500}, "events": ["demo_request"]}}


def _map_rules() -> list[tuple[str, str, str]]:
    app = create_app({"TESTING": True})
    return sorted((rule.endpoint, method, rule.rule) for rule in app.url_map.iter_rules()
                  for method in rule.methods - {"HEAD", "OPTIONS"})


RULES = _map_rules()


def test_the_table_lists_exactly_the_routes_of_the_map():
    routes = {(endpoint, method) for endpoint, method, _ in RULES}
    missing = sorted(routes - set(EXPECTED))
    stale = sorted(set(EXPECTED) - routes)
    assert not missing, f"routes with no expected outcomes (add them to EXPECTED): {missing}"
    assert not stale, f"EXPECTED lists routes the app no longer has: {stale}"
    for key, outcomes in EXPECTED.items():
        assert set(outcomes) == set(PRINCIPALS), key


def test_the_table_agrees_with_the_role_each_view_declares():
    """A view decorated with role_required(minimum) is a page for that role in the table, or that page
    narrowed by a sign-off rule (which only ever refuses more)."""
    app = create_app({"TESTING": True})
    for endpoint, method, _ in RULES:
        minimum = getattr(app.view_functions[endpoint], "required_role", None)
        if minimum is None:
            continue
        expected, role_page = EXPECTED[(endpoint, method)], page(minimum)
        if (endpoint, method) in SIGN_OFF_RULES:
            narrowed = {p for p in PRINCIPALS if expected[p] != role_page[p]}
            assert narrowed and all(expected[p] == "403" for p in narrowed), (endpoint, method)
        else:
            assert expected == role_page, (endpoint, method, minimum)


def build_world(make_user) -> dict:
    """Two published versions, an open draft, users, a token, a webhook delivery: every URL has a target."""
    marketing = make_user("approver", team="marketing", email="target-m@example.com")
    sales = make_user("approver", team="sales", email="target-s@example.com")
    target = make_user("reader", email="target-user@example.com")
    entries = [make_entry("lifecycle_stages", "mql", name="Marketing Qualified Lead", owner_team="marketing",
                          entry_criteria="Score 50", score_threshold=50),
               make_entry("terms", "lead", name="Lead")]
    make_published(entries, number="1.0.0", approvers=[marketing, sales])
    entries = [make_entry("lifecycle_stages", "mql", name="Marketing Qualified Lead", owner_team="marketing",
                          entry_criteria="Score 60", score_threshold=60),
               make_entry("terms", "lead", name="Lead", definition="Anyone who left an address.")]
    make_published(entries, number="1.1.0", approvers=[marketing, sales])
    draft = make_draft([make_entry("terms", "lead", name="Lead", definition="Changed in the draft.")])
    token, _ = create_token("matrix target")
    hook = Webhook(url="https://hooks.example.com/x", secret="s")
    db.session.add(hook)
    db.session.flush()
    delivery = WebhookDelivery(webhook_id=hook.id, delivery_id="00000000-0000-0000-0000-000000000001",
                               event="sla.published", payload=b"{}")
    db.session.add(delivery)
    job = LeadImport(filename="leads.csv", format="accord", source="import", status="done")
    db.session.add(job)
    db.session.commit()
    return {"version_id": draft.id, "user_id": target.id, "team_id": target.team_id, "token_id": token.id,
            "webhook_id": hook.id, "delivery_id": delivery.id, "import_id": job.id, "key": "lead", "section": "lifecycle_stages", "section_key": "terms", "field_name": "name",
            "version": "1.0.0", "filename": "css/accord.css", "entry_id": draft.entries[0].id}


def concrete_path(rule: str, world: dict) -> str:
    """Fill every URL variable with a target that exists, so the access check (not a 404) answers."""
    def fill(match):
        name = match.group(1)
        assert name in world, f"no target for URL variable <{name}> in {rule}: add it to build_world"
        return str(world[name])
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", fill, rule)


def make_clients(app, make_user) -> dict:
    clients = {}
    for name, spec in PRINCIPALS.items():
        client = app.test_client()
        client.auth_headers = {}
        if spec is not None:
            role, team, active = spec
            sign_in(client, make_user(role, team=team, active=active, email=f"{name}@example.com"))
        clients[name] = client
    _, plaintext = create_token("matrix tool")
    clients["token"].auth_headers = {"Authorization": f"Bearer {plaintext}"}
    revoked, revoked_plaintext = create_token("matrix revoked")
    revoke_token(revoked)
    db.session.commit()
    clients["revoked-token"].auth_headers = {"Authorization": f"Bearer {revoked_plaintext}"}
    return clients


def signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def classify(response, is_api: bool, was_signed_in: bool, is_signed_in: bool) -> str:
    status = response.status_code
    location = response.headers.get("Location", "")
    if status >= 500:
        return f"error {status}"
    if status in (401, 403):
        return str(status)
    if status in (301, 302, 303, 307, 308) and "/login" in location and not is_api:
        return "signed-out" if was_signed_in and not is_signed_in else "login"
    return "allowed"


def _order(outcomes: dict) -> list[str]:
    """Refused principals first, so the allowed ones (which may change things) cannot mask a refusal."""
    return sorted(PRINCIPALS, key=lambda p: (outcomes[p] == "allowed", list(PRINCIPALS).index(p)))


@pytest.mark.parametrize("endpoint,method,rule", RULES, ids=[f"{e}-{m}" for e, m, _ in RULES])
def test_route_access(app, make_user, endpoint, method, rule):
    expected = EXPECTED.get((endpoint, method))
    assert expected is not None, f"{endpoint} {method} is not in EXPECTED"
    world = build_world(make_user)
    clients = make_clients(app, make_user)
    path = concrete_path(rule, world)
    is_api = rule.startswith("/api/")
    wrong = []
    for principal in _order(expected):
        client = clients[principal]
        kwargs = {"headers": client.auth_headers, "query_string": QUERY.get(endpoint, {})}
        if method != "GET":
            kwargs["json" if is_api else "data"] = JSON_BODY.get(endpoint, {}) if is_api else {}
        was_signed_in = signed_in(client)
        response = client.open(path, method=method, **kwargs)
        response.close()
        got = classify(response, is_api, was_signed_in, signed_in(client))
        if got != expected[principal]:
            wrong.append(f"{principal}: expected {expected[principal]}, got {got} ({response.status_code})")
        db.session.rollback()
    assert not wrong, f"{method} {path}: " + "; ".join(wrong)


# Resending a delivery would start a background sender; the matrix is about who gets in, not delivery.
QUIET = {"WEBHOOKS_DELIVER_AFTER_PUBLISH": False}


UNSAFE = [(e, m, r) for e, m, r in RULES if m in ("POST", "PUT", "PATCH", "DELETE") and not r.startswith("/api/")]


def test_every_unsafe_page_route_refuses_a_request_without_csrf_token(database_url, make_user):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": database_url, **QUIET})
    with app.app_context():
        world = build_world(make_user)
        admin = make_user("admin", email="csrf-admin@example.com")
        client = app.test_client()
        sign_in(client, admin)
        assert UNSAFE, "there are forms to protect"
        wrong = []
        for endpoint, method, rule in UNSAFE:
            response = client.open(concrete_path(rule, world), method=method, data={"name": "x"})
            if response.status_code != 400 or b"security token" not in response.data:
                wrong.append(f"{method} {rule}: {response.status_code}")
        assert not wrong, wrong
        db.session.remove()
        db.engine.dispose()


# The two sign-off rules on a version in review, beyond what roles decide:
#   send back  only approvers of a team that must sign, and admins (it drops every signature)
#   approve    one signature per person: who signed for one team cannot sign for another
SIGN_OFF_CASES = [
    # principal (role, team), what they try, status of the htmx POST, version state after
    (("approver", "support"), "send-back", 403, "in_review"),
    (("approver", "sales"), "send-back", 200, "draft"),
    (("admin", "support"), "send-back", 200, "draft"),
    (("approver", "sales"), "approve", 200, "published"),
    (("signed-for-marketing", "sales"), "approve", 409, "in_review"),
    (("admin-signed-for-marketing", "sales"), "approve", 409, "in_review"),
]


@pytest.mark.parametrize("who,action,status,after", SIGN_OFF_CASES,
                         ids=[f"{who[0]}-{who[1]}-{action}" for who, action, _, _ in SIGN_OFF_CASES])
def test_sign_off_rules(app, make_user, who, action, status, after):
    from app.models import Team, Version
    from app.sla.document import content_hash
    from app.versions.services import approve_version, open_draft, submit_version
    from tests.factories import edit_entry

    world = build_world(make_user)
    editor = make_user("editor", team="sales", email="signoff-editor@example.com")
    db.session.delete(db.session.get(Version, world["version_id"]))
    db.session.commit()
    draft = open_draft(by=editor)
    edit_entry(draft, "lead", by=editor, definition="Changed for the sign-off rules.")
    version = submit_version(draft, by=editor)
    role, team = who
    if role.endswith("signed-for-marketing"):
        actor = make_user("admin" if role.startswith("admin") else "approver", team="marketing")
        approve_version(version, actor)
        actor.team = db.session.scalar(db.select(Team).where(Team.slug == team))
        db.session.commit()
    else:
        approve_version(version, make_user("approver", team="marketing"))
        actor = make_user(role, team=team)
    client = app.test_client()
    sign_in(client, actor)
    data = {"reason": "Not yet."} if action == "send-back" else {"content_hash": content_hash(version)}
    response = client.post(f"/review/{version.id}/{action}", data=data, headers={"HX-Request": "true"})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    db.session.expire_all()
    assert db.session.get(Version, version.id).state == after
