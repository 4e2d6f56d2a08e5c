"""GET /api/v1/sla, the endpoint tools poll, has one implementation (the view): the answer from a
worker's memo is the answer from the database, header for header; a token request never loads or
saves a session, and its check is trusted for ACCORD_CURRENT_TTL."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.api import tokens
from app.api.tokens import create_token, revoke_token
from app.api.views import derived
from app.extensions import db
from app.models import ApiToken
from app.models.base import utcnow
from app.versions.published import forget_all
from tests.factories import publish_edit
from tests.test_api_support import published, sla_entries  # noqa: F401
from tests.test_query_counts import recorded


@pytest.fixture
def app_config(app_config):
    """No background webhook pass after a publish: it would outlive the test's database."""
    return {**app_config, "WEBHOOKS_DELIVER_AFTER_PUBLISH": False, "ACCORD_PUBLIC_API": True,
            "ACCORD_CURRENT_TTL": 3600}


@pytest.fixture(autouse=True)
def fresh_caches():
    forget_all()
    derived.clear()


def comparable(response) -> tuple:
    return response.status, sorted(response.headers.items()), response.get_data()


def forget_worker_memos(app) -> None:
    """As a fresh worker: nothing remembered of the current version or of tokens."""
    app.extensions.pop("accord.published", None)
    app.extensions.pop(tokens.CHECKED_KEY, None)
    forget_all()


CONDITIONAL = [
    pytest.param({}, id="plain"),
    pytest.param({"If-None-Match": "{etag}"}, id="matching-etag"),
    pytest.param({"If-None-Match": 'W/"{sha}", "other"'}, id="weak-in-a-list"),
    pytest.param({"If-None-Match": "*"}, id="star"),
    pytest.param({"If-None-Match": '"stale"'}, id="stale-etag"),
    pytest.param({"If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT"}, id="if-modified-since"),
]


@pytest.fixture(params=["anonymous-on-a-public-api", "token-on-a-private-api"])
def credentials(request, app) -> dict:
    """What a tool sends: nothing on a public API, or its API token."""
    if request.param == "anonymous-on-a-public-api":
        return {}
    app.config["ACCORD_PUBLIC_API"] = False
    return {"Authorization": f"Bearer {create_token('tool')[1]}"}


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("headers", CONDITIONAL)
def test_the_answer_from_memory_is_the_answer_from_the_database(app, client, published, credentials, method,
                                                               headers):
    headers = {k: v.format(etag=f'"{published.sha256}"', sha=published.sha256) for k, v in headers.items()}
    headers.update(credentials)
    forget_worker_memos(app)
    with recorded(db.engine) as cold:
        from_database = client.open("/api/v1/sla", method=method, headers=headers)
    with recorded(db.engine) as warm:
        from_memory = client.open("/api/v1/sla", method=method, headers=headers)
    assert cold and warm == []
    assert comparable(from_memory) == comparable(from_database)
    assert from_database.status_code in (200, 304)


def test_the_current_document_is_the_bytes_frozen_at_publish_with_every_header(app, client, published):
    client.get("/api/v1/sla")
    response = client.get("/api/v1/sla")
    assert response.data == published.document
    assert response.headers["ETag"] == f'"{published.sha256}"'
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Vary"] == "Authorization, Cookie"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def token(app):
    app.config["ACCORD_PUBLIC_API"] = False
    return create_token("tool")


@pytest.mark.parametrize("conditional", [False, True], ids=["200", "304"])
def test_a_token_request_neither_loads_nor_saves_a_session(app, client, published, token, monkeypatch,
                                                           conditional):
    opened: list[str] = []
    inner = app.session_interface.inner
    original = inner.open_session
    monkeypatch.setattr(inner, "open_session", lambda *args: opened.append("open") or original(*args))
    headers = {"Authorization": f"Bearer {token[1]}"}
    if conditional:
        headers["If-None-Match"] = f'"{published.sha256}"'
    response = client.get("/api/v1/sla", headers=headers, environ_base={"HTTP_COOKIE": "session=forged"})
    assert response.status_code == (304 if conditional else 200)
    assert opened == [] and "Set-Cookie" not in response.headers
    client.get("/")  # a page still opens its session
    assert opened == ["open"]


def test_a_token_is_checked_once_per_ttl(app, client, published, token):
    headers = {"Authorization": f"Bearer {token[1]}"}
    conditional = {**headers, "If-None-Match": f'"{published.sha256}"'}
    with recorded(db.engine) as first:
        assert client.get("/api/v1/sla", headers=headers).status_code == 200
    with recorded(db.engine) as then:
        assert client.get("/api/v1/sla", headers=headers).status_code == 200
        assert client.get("/api/v1/sla", headers=conditional).status_code == 304
    assert any("api_tokens" in statement for statement in first)
    assert then == []


def test_a_ttl_of_zero_checks_the_token_every_time(app, client, published, token):
    app.config["ACCORD_CURRENT_TTL"] = 0
    headers = {"Authorization": f"Bearer {token[1]}"}
    client.get("/api/v1/sla", headers=headers)
    with recorded(db.engine) as statements:
        assert client.get("/api/v1/sla", headers=headers).status_code == 200
    assert any("api_tokens" in statement for statement in statements)


def test_a_token_revoked_in_this_worker_is_refused_at_once(app, client, published, token):
    row, plaintext = token
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/api/v1/sla", headers=headers).status_code == 200
    revoke_token(db.session.get(ApiToken, row.id))
    response = client.get("/api/v1/sla", headers=headers)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self):
        self.now = 1_000.0

    def monotonic(self) -> float:
        return self.now


def test_a_token_revoked_elsewhere_is_refused_once_the_ttl_has_passed(app, client, published, token, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(tokens, "time", clock)
    app.config["ACCORD_CURRENT_TTL"] = 5
    row, plaintext = token
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/api/v1/sla", headers=headers).status_code == 200
    # Another worker (or host) revokes it: this worker's memo does not hear of it.
    db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(revoked_at=utcnow()))
    db.session.commit()
    clock.now += 4.9
    assert client.get("/api/v1/sla", headers=headers).status_code == 200  # trusted for at most the TTL
    clock.now += 0.2
    assert client.get("/api/v1/sla", headers=headers).status_code == 401


def test_a_publish_in_this_worker_is_served_at_once(app, client, published, make_user):
    old_etag = f'"{published.sha256}"'
    assert client.get("/api/v1/sla", headers={"If-None-Match": old_etag}).status_code == 304
    publish_edit(make_user("editor"), [make_user("approver", team) for team in ("marketing", "sales")], "mql",
                 score_threshold=60)
    response = client.get("/api/v1/sla", headers={"If-None-Match": old_etag})
    assert response.status_code == 200 and response.json["version"] == "1.1.0"
    assert client.get("/api/v1/sla", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_a_token_unused_for_a_minute_has_its_use_recorded(app, client, published, token, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(tokens, "time", clock)
    row, plaintext = token
    headers = {"Authorization": f"Bearer {plaintext}"}
    client.get("/api/v1/sla", headers=headers)
    long_ago = utcnow() - timedelta(minutes=5)
    db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=long_ago))
    db.session.commit()
    clock.now += 3601  # past the TTL: the next request checks the token again
    assert client.get("/api/v1/sla", headers=headers).status_code == 200
    assert db.session.get(ApiToken, row.id, populate_existing=True).last_used_at > long_ago


@pytest.mark.parametrize("authorization", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer acc_unknown", "bearer  "])
def test_other_credentials_are_refused(app, client, published, token, authorization):
    client.get("/api/v1/sla", headers={"Authorization": f"Bearer {token[1]}"})  # memo and bytes warm
    response = client.get("/api/v1/sla", headers={"Authorization": authorization})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_a_private_api_refuses_a_request_without_credentials(app, client, published):
    app.config["ACCORD_PUBLIC_API"] = False
    client.get("/api/v1/sla")
    assert client.get("/api/v1/sla").status_code == 401


def test_the_api_adds_no_hook_after_its_answers(app):
    """Document answers are complete when built: no API after-request or teardown work."""
    assert not app.after_request_funcs.get("api") and not app.teardown_request_funcs.get("api")


@pytest.mark.parametrize("path, status", [("/api/v1/sla/versions/9.9.9", 404), ("/api/v1/nowhere", 404),
                                          ("/api/v1/sla", 401)])
def test_problem_answers_vary_on_credentials_too(app, client, published, path, status):
    headers = {"Authorization": "Bearer acc_unknown"} if status == 401 else {}
    response = client.get(path, headers=headers)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert response.headers["Vary"] == "Authorization, Cookie"
