"""Who may read what: every reading route for every principal; readers see published content only."""
import pytest

from tests.conftest import sign_in
from tests.factories import make_draft, make_entry
from tests.test_reading_sample import publish_sample

ROUTES = ["/", "/glossary", "/glossary?q=lead", "/terms/mql", "/print", "/print.md", "/print?version=1.0.0"]
PRINCIPALS = ["anonymous", "reader", "editor", "approver", "admin", "deactivated-reader"]


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("url", ROUTES)
def test_reading_routes_need_an_active_signed_in_user_of_any_role(app, make_user, principal, url):
    publish_sample()
    client = app.test_client()
    if principal != "anonymous":
        role = principal.removeprefix("deactivated-")
        sign_in(client, make_user(role, active=not principal.startswith("deactivated")))
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(url, headers=headers)
        if principal == "anonymous" or principal.startswith("deactivated"):
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 200


@pytest.mark.parametrize("role", ["reader", "editor", "approver", "admin"])
def test_the_open_version_never_shows_on_reading_pages(login_as, role):
    publish_sample()
    make_draft([make_entry("terms", "draft-only", "Draft only term", definition="Unpublished wording.")])
    client = login_as(role)
    for url in ("/glossary", "/glossary?q=draft", "/print", "/print.md"):
        body = client.get(url).get_data(as_text=True)
        assert "Draft only term" not in body and "Unpublished wording" not in body
    assert client.get("/terms/draft-only").status_code == 404
    assert client.get("/print?version=draft").status_code == 404
