"""The current document answered before Flask (anonymous on a public API, or an API token whose
use is already recorded): the same status, headers and bytes as the API view, and only when
nothing but the current version matters."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import request_started
from sqlalchemy import update

from app.api.documents import derived
from app.api.tokens import create_token, revoke_token
from app.extensions import db
from app.models import ApiToken
from app.models.base import utcnow
from app.versions.frozen import forget_all
from tests.factories import publish_edit
from tests.test_api_support import published, sla_entries  # noqa: F401


@pytest.fixture
def app_config(app_config):
    """No background webhook pass after a publish: it would outlive the test's database."""
    return {**app_config, "WEBHOOKS_DELIVER_AFTER_PUBLISH": False, "ACCORD_PUBLIC_API": True,
            "ACCORD_CURRENT_TTL": 3600}


@pytest.fixture(autouse=True)
def fresh_caches():
    forget_all()
    derived.clear()


@contextmanager
def flask_requests(app):
    """The paths of the requests that reached Flask inside the block."""
    seen: list[str] = []

    def started(sender, **_extra):
        from flask import request
        seen.append(request.path)

    request_started.connect(started, app)
    try:
        yield seen
    finally:
        request_started.disconnect(started, app)


def comparable(response) -> tuple:
    return response.status, sorted(response.headers.items()), response.get_data()


CONDITIONAL = [
    pytest.param({}, id="plain"),
    pytest.param({"If-None-Match": "{etag}"}, id="matching-etag"),
    pytest.param({"If-None-Match": 'W/"{sha}", "other"'}, id="weak-in-a-list"),
    pytest.param({"If-None-Match": "*"}, id="star"),
    pytest.param({"If-None-Match": '"stale"'}, id="stale-etag"),
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
def test_the_shortcut_answers_exactly_as_the_view(app, client, published, credentials, method, headers):
    headers = {k: v.format(etag=f'"{published.sha256}"', sha=published.sha256) for k, v in headers.items()}
    headers.update(credentials)
    with flask_requests(app) as seen:
        by_flask = client.open("/api/v1/sla", method=method, headers=headers)
    assert seen == ["/api/v1/sla"]
    with flask_requests(app) as seen:
        by_shortcut = client.open("/api/v1/sla", method=method, headers=headers)
    assert seen == []  # answered from this worker's memo, before Flask
    assert comparable(by_shortcut) == comparable(by_flask)
    assert by_flask.status_code in (200, 304)


def test_the_shortcut_serves_the_bytes_frozen_at_publish(app, client, published):
    client.get("/api/v1/sla")
    with flask_requests(app) as seen:
        response = client.get("/api/v1/sla")
    assert seen == [] and response.data == published.document
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


REACHES_FLASK = [
    pytest.param("GET", "/api/v1/sla?version=1.0.0", {}, 200, id="query-string"),
    pytest.param("GET", "/api/v1/sla", {"Authorization": "Bearer not-a-token"}, 401, id="credentials"),
    pytest.param("POST", "/api/v1/sla", {}, 405, id="post"),
    pytest.param("GET", "/api/v1/sla/versions/1.0.0", {}, 200, id="other-path"),
    pytest.param("GET", "/api/v1/sla", {"If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT"}, 200,
                 id="if-modified-since"),
]


@pytest.mark.parametrize("method, path, headers, status", REACHES_FLASK)
def test_anything_else_reaches_flask(app, client, published, method, path, headers, status):
    client.get("/api/v1/sla")  # the memo and the bytes are warm
    with flask_requests(app) as seen:
        response = client.open(path, method=method, headers=headers)
    assert seen == [path.split("?")[0]]
    assert response.status_code == status


def test_a_private_api_always_asks_flask(app, client, published):
    app.config["ACCORD_PUBLIC_API"] = False
    client.get("/api/v1/sla")
    with flask_requests(app) as seen:
        response = client.get("/api/v1/sla")
    assert seen == ["/api/v1/sla"] and response.status_code == 401


def test_a_ttl_of_zero_turns_the_shortcut_off(app, client, published):
    app.config["ACCORD_CURRENT_TTL"] = 0
    client.get("/api/v1/sla")
    with flask_requests(app) as seen:
        assert client.get("/api/v1/sla").status_code == 200
    assert seen == ["/api/v1/sla"]


def test_a_publish_in_this_worker_is_served_at_once(app, client, published, make_user):
    old_etag = f'"{published.sha256}"'
    assert client.get("/api/v1/sla", headers={"If-None-Match": old_etag}).status_code == 304
    publish_edit(make_user("editor"), [make_user("approver", team) for team in ("marketing", "sales")], "mql",
                 score_threshold=60)
    response = client.get("/api/v1/sla", headers={"If-None-Match": old_etag})
    assert response.status_code == 200 and response.json["version"] == "1.1.0"
    with flask_requests(app) as seen:
        again = client.get("/api/v1/sla", headers={"If-None-Match": response.headers["ETag"]})
    assert seen == [] and again.status_code == 304


@pytest.fixture
def token(app):
    app.config["ACCORD_PUBLIC_API"] = False
    return create_token("tool")


def test_a_token_is_answered_by_the_shortcut_once_its_use_is_recorded(app, client, published, token):
    row, plaintext = token
    headers = {"Authorization": f"Bearer {plaintext}"}
    with flask_requests(app) as seen:
        assert client.get("/api/v1/sla", headers=headers).status_code == 200
    assert seen == ["/api/v1/sla"]  # first use: Flask records it
    assert db.session.get(ApiToken, row.id, populate_existing=True).last_used_at is not None
    with flask_requests(app) as seen:
        assert client.get("/api/v1/sla", headers=headers).data == published.document
    assert seen == []


def test_a_revoked_token_is_refused_at_once(app, client, published, token):
    row, plaintext = token
    headers = {"Authorization": f"Bearer {plaintext}"}
    client.get("/api/v1/sla", headers=headers)
    assert client.get("/api/v1/sla", headers=headers).status_code == 200  # by the shortcut
    revoke_token(db.session.get(ApiToken, row.id))
    response = client.get("/api/v1/sla", headers=headers)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_a_token_unused_for_a_minute_goes_through_flask_to_record_its_use(app, client, published, token):
    row, plaintext = token
    headers = {"Authorization": f"Bearer {plaintext}"}
    client.get("/api/v1/sla", headers=headers)
    long_ago = utcnow() - timedelta(minutes=5)
    db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=long_ago))
    db.session.commit()
    with flask_requests(app) as seen:
        assert client.get("/api/v1/sla", headers=headers).status_code == 200
    assert seen == ["/api/v1/sla"]
    assert db.session.get(ApiToken, row.id, populate_existing=True).last_used_at > long_ago


@pytest.mark.parametrize("authorization", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer acc_unknown", "bearer  "])
def test_other_credentials_are_left_to_flask(app, client, published, token, authorization):
    client.get("/api/v1/sla", headers={"Authorization": f"Bearer {token[1]}"})  # memo and bytes warm
    with flask_requests(app) as seen:
        response = client.get("/api/v1/sla", headers={"Authorization": authorization})
    assert seen == ["/api/v1/sla"] and response.status_code == 401
