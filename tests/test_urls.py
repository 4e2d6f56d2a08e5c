"""ACCORD_BASE_URL: every external link is built from it, and a request for another host gets 400."""
import json

import pytest

from app.urls import base_url, external_url, host_matches
from app.webhooks.services import version_url
from tests.test_api_support import auth, published, token  # noqa: F401  (fixtures)

BASE = "https://accord.example.com"


@pytest.fixture
def based(app):
    app.config["ACCORD_BASE_URL"] = BASE
    return app


@pytest.mark.parametrize("path", ["/", "/login", "/glossary", "/api/v1/sla", "/api/v1/openapi.json",
                                  "/admin/webhooks", "/static/css/accord.css"])
@pytest.mark.parametrize("host", ["evil.example", "accord.example.com.evil.example", "accord.example.com:8443",
                                  "evil.example@accord.example.com", "", "accord.example.com/x"])
def test_a_request_for_another_host_is_refused(based, client, path, host):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    assert "evil" not in response.get_data(as_text=True)
    if path.startswith("/api/"):
        assert response.mimetype == "application/problem+json"
        assert response.json["status"] == 400 and response.json["title"] == "Bad Request"
    else:
        assert response.mimetype == "text/html" and "its own address" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("host", ["accord.example.com", "ACCORD.Example.com", "accord.example.com:443"])
def test_the_configured_host_is_served(based, client, host):
    assert client.get("/login", headers={"Host": host}).status_code == 200


def test_a_base_url_with_a_port_needs_that_port(app, client):
    app.config["ACCORD_BASE_URL"] = "http://127.0.0.1:5000"
    assert client.get("/login", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    assert client.get("/login", headers={"Host": "127.0.0.1"}).status_code == 400


def test_the_current_document_shortcut_is_behind_the_host_check(based, client, published, make_user):
    """The public API's fast path answers before Flask; the Host check runs before it."""
    based.config["ACCORD_PUBLIC_API"] = True
    assert client.get("/api/v1/sla", base_url=BASE).status_code == 200
    assert client.get("/api/v1/sla", base_url=BASE).status_code == 200, "now answered from memory"
    response = client.get("/api/v1/sla", base_url="http://evil.example")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:5000", "localhost"])
def test_without_a_base_url_any_host_is_served(client, host):
    """Development and the browser tests' live server on 127.0.0.1 run without ACCORD_BASE_URL."""
    assert client.get("/login", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("header, ok", [
    ("accord.example.com", True), ("accord.example.com:443", True), ("Accord.Example.COM", True),
    ("accord.example.com:80", False), ("example.com", False), ("accord.example.com:x", False),
    ("user@accord.example.com", False), ("accord.example.com/path", False), ("", False),
])
def test_host_matching(header, ok):
    assert host_matches(header, BASE) is ok


def test_links_ignore_the_request_host_when_a_base_url_is_set(based):
    with based.test_request_context("/", base_url="http://evil.example"):
        assert base_url() == BASE
        assert external_url("versions.show", version="1.0.0") == BASE + "/versions/1.0.0"
        assert version_url("1.0.0") == BASE + "/api/v1/sla/versions/1.0.0"
    with based.app_context():
        assert external_url("review.review") == BASE + "/review"


def test_a_base_url_may_carry_a_path(app):
    app.config["ACCORD_BASE_URL"] = "https://intranet.example.com/accord"
    with app.test_request_context("/", base_url="http://evil.example"):
        assert version_url("2.0.0") == "https://intranet.example.com/accord/api/v1/sla/versions/2.0.0"


def test_the_openapi_servers_come_from_the_base_url(based, client, auth):
    response = client.get("/api/v1/openapi.json", base_url=BASE, headers=auth)
    assert json.loads(response.data)["servers"] == [{"url": BASE + "/api/v1"}]


def test_notification_links_come_from_the_base_url(based):
    from app.notifications import _link
    with based.test_request_context("/", base_url="http://evil.example"):
        assert _link("editing.draft") == BASE + "/draft"
    with based.app_context():
        assert _link("editing.draft") == BASE + "/draft", "outside a request too (CLI, background)"
