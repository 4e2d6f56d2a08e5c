"""Who may read the API: tokens, sessions, a public deployment; and CSRF stays out of the way."""
import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest

from app.api.tokens import create_token, revoke_token
from app.models import ApiToken, ROLES
from app.models.base import utcnow
from tests.conftest import sign_in
from tests.test_api_support import auth, published, token  # noqa: F401

SCORE_BODY = {"fields": {"industry": "Logistics"}, "events": []}
# One request per API endpoint (the URL map test below keeps this list complete).
CALLS = {
    "sla": ("get", "/api/v1/sla"),
    "versions": ("get", "/api/v1/sla/versions"),
    "version": ("get", "/api/v1/sla/versions/1.0.0"),
    "section": ("get", "/api/v1/sla/sections/icp"),
    "term": ("get", "/api/v1/sla/terms/mql"),
    "glossary": ("get", "/api/v1/glossary"),
    "compare": ("get", "/api/v1/sla/compare?from=1.0.0&to=1.0.0"),
    "score": ("post", "/api/v1/score"),
    "schema": ("get", "/api/v1/schema"),
    "openapi": ("get", "/api/v1/openapi.json"),
    "export_hubspot": ("get", "/api/v1/sla/exports/hubspot"),
    "export_salesforce": ("get", "/api/v1/sla/exports/salesforce"),
    "checks": ("get", "/api/v1/sla/checks"),
    "post_events": ("post", "/api/v1/events"),
    "adherence": ("get", "/api/v1/adherence"),
    "adherence_commitment": ("get", "/api/v1/adherence/mql-delivery"),
    "export_hubspot_pipeline": ("get", "/api/v1/sla/exports/hubspot/pipeline"),
    "export_hubspot_lifecyclestage": ("get", "/api/v1/sla/exports/hubspot/properties/lifecyclestage"),
    "export_hubspot_lead_status": ("get", "/api/v1/sla/exports/hubspot/properties/hs_lead_status"),
    "export_salesforce_package": ("get", "/api/v1/sla/exports/salesforce/package.zip"),
    "drift_hubspot": ("post", "/api/v1/sla/exports/hubspot/drift"),
    "drift_salesforce": ("post", "/api/v1/sla/exports/salesforce/drift?set=LeadStatus"),
}
BODIES = {
    "drift_hubspot": {"json": {"lifecyclestage": {"options": []}}},
    "drift_salesforce": {"content_type": "application/xml", "data": b'<?xml version="1.0" encoding="UTF-8"?>'
                         b'<StandardValueSet xmlns="http://soap.sforce.com/2006/04/metadata"/>'},
}
WRITES = {"post_events"}  # a read token is refused these (403): tests/test_events_api.py


def call(client, name, headers=None):
    method, path = CALLS[name]
    kwargs = BODIES.get(name, {"json": SCORE_BODY} if method == "post" else {})
    return getattr(client, method)(path, headers=headers or {}, **kwargs)


def test_every_api_endpoint_is_in_the_call_table(app):
    routed = {rule.endpoint.split(".", 1)[1] for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routed == set(CALLS)


@pytest.mark.parametrize("name", CALLS)
def test_anonymous_requests_get_401_with_a_bearer_challenge(client, published, name):
    response = call(client, name)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="accord"')
    problem = response.json
    assert (problem["status"], problem["title"]) == (401, "Unauthorized")
    assert "Authorization: Bearer" in problem["detail"]


@pytest.mark.parametrize("name", sorted(set(CALLS) - WRITES))
def test_a_token_reads_every_endpoint(client, published, auth, name):
    assert call(client, name, auth).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(set(CALLS) - WRITES))
def test_a_signed_in_session_of_any_role_reads_every_endpoint(published, login_as, role, name):
    assert call(login_as(role), name).status_code == 200


@pytest.mark.parametrize("name", sorted(set(CALLS) - WRITES))
def test_a_public_deployment_opens_reads_to_anyone(app, client, published, name):
    app.config["ACCORD_PUBLIC_API"] = True
    response = call(client, name)
    assert response.status_code == 200
    if name == "version":
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("public", [False, True])
def test_a_revoked_token_is_refused_at_once(app, client, published, public, db):
    app.config["ACCORD_PUBLIC_API"] = public
    row, plaintext = create_token("soon revoked")
    db.session.commit()
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/api/v1/sla", headers=headers).status_code == 200
    revoke_token(row)
    db.session.commit()
    response = client.get("/api/v1/sla", headers=headers)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "revoked" in response.json["detail"]


@pytest.mark.parametrize("header", [
    "Bearer acc_not-a-real-token", "Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer " + "a" * 500,
])
def test_bad_credentials_are_401(client, published, header):
    response = client.get("/api/v1/sla", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("public", [False, True])
@pytest.mark.parametrize("name", sorted(WRITES))
def test_writes_need_a_token_with_their_scope_whoever_asks(app, client, published, login_as, role, public, name):
    app.config["ACCORD_PUBLIC_API"] = public
    for asking in (client, login_as(role)):
        response = call(asking, name)
        assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_a_deactivated_users_session_gets_403(published, login_as, db):
    client = login_as("editor")
    client.user.active = False
    db.session.commit()
    response = client.get("/api/v1/sla")
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"] == "This account is deactivated."


def test_last_used_is_written_at_most_once_a_minute(app, client, published, db):
    app.config["ACCORD_CURRENT_TTL"] = 0  # check the token in the database on every request
    row, plaintext = create_token("timed")
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert row.last_used_at is None
    before = utcnow()
    client.get("/api/v1/sla", headers=headers)
    first = db.session.get(ApiToken, row.id).last_used_at
    assert first is not None and before - timedelta(seconds=1) <= first <= utcnow()  # written by this request

    recent = utcnow() - timedelta(seconds=30)
    db.session.get(ApiToken, row.id).last_used_at = recent
    db.session.commit()
    client.get("/api/v1/sla", headers=headers)
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at == recent, "not rewritten within a minute"

    old = utcnow() - timedelta(minutes=2)
    db.session.get(ApiToken, row.id).last_used_at = old
    db.session.commit()
    client.get("/api/v1/sla", headers=headers)
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at > old


def test_a_session_post_needs_a_json_content_type(published, login_as):
    client = login_as("reader")
    response = client.post("/api/v1/score", data="fields=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert client.post("/api/v1/score", json=SCORE_BODY).status_code == 200


def _post(url, body: bytes, headers: dict):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_token_posts_need_no_csrf_token_while_forms_still_do(live_server, app, published, token):
    status, body = _post(f"{live_server.url}/api/v1/score", json.dumps(SCORE_BODY).encode(),
                         {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert status == 200 and body["fit"] == 20
    request = urllib.request.Request(f"{live_server.url}/login", data=b"email=a%40b.c&password=x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    refused.value.close()
    assert refused.value.code == 400, "CSRF protection still guards the forms"


def test_sign_in_helper_session_reads_the_api(app, published, make_user):
    client = app.test_client()
    sign_in(client, make_user("reader"))
    assert client.get("/api/v1/sla").status_code == 200
