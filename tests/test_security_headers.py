"""Security headers on every kind of response."""
import pytest

from app import create_app
from tests.factories import make_entry, make_published


@pytest.mark.parametrize("path", ["/login", "/api/v1/sla", "/no-such-page"])
def test_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_api_errors_are_problem_json_and_pages_are_html(client):
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.content_type == "application/problem+json"
    assert api.get_json()["status"] == 404 and api.get_json()["title"]
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.content_type.startswith("text/html")
    assert b"Not found" in page.data


def test_unexpected_errors_are_a_friendly_500(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data
    assert b"kaboom" not in response.data


# --- caching of personal pages, HSTS ---------------------------------------------------------

SIGNED_IN_PAGES = ["/", "/glossary", "/versions", "/versions/1.0.0", "/print", "/print.md", "/review",
                   "/draft", "/admin/users", "/admin/acknowledgements", "/admin/acknowledgements.csv",
                   "/admin/audit", "/no-such-page"]


@pytest.fixture
def published(db):
    return make_published([make_entry("terms", "lead", name="Lead")], number="1.0.0")


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages_and_downloads_are_never_stored(login_as, published, path, htmx):
    response = login_as("admin").get(path, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code in (200, 404), (path, response.status_code)
    assert response.headers["Cache-Control"] == "no-store", path


def test_the_api_keeps_its_own_caching_rules(login_as, published):
    client = login_as("reader")
    assert "immutable" in client.get("/api/v1/sla/versions/1.0.0").headers["Cache-Control"]
    assert "no-cache" in client.get("/api/v1/sla").headers["Cache-Control"]
    assert "no-store" not in client.get("/api/v1/sla").headers["Cache-Control"]


def test_static_files_keep_their_caching(login_as):
    static = login_as("reader").get("/static/css/accord.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


@pytest.mark.parametrize("env,hsts", [("production", True), ("development", False)])
def test_hsts_in_production_only(database_url, env, hsts):
    app = create_app({"TESTING": True, "ACCORD_ENV": env, "SQLALCHEMY_DATABASE_URI": database_url})
    response = app.test_client().get("/login")
    assert ("Strict-Transport-Security" in response.headers) is hsts
    if hsts:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert int(response.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 31_536_000
