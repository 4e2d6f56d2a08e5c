"""Security headers on every kind of response."""
import pytest


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
