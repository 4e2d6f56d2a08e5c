"""Every admin route, every role: only active admins get in.

The routes come from Flask's URL map, so a new admin route is covered without editing this file.
"""
import re

import pytest

from tests.conftest import sign_in

PRINCIPALS = ["anonymous", "reader", "editor", "approver", "admin", "deactivated-admin"]


def admin_rules():
    from app import create_app
    app = create_app({"TESTING": True})
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            rules.append((rule.rule, rule.endpoint, method))
    return sorted(rules)


ADMIN_RULES = admin_rules()


def concrete_path(rule: str) -> str:
    """Fill URL variables with an id that exists (1) so the role check, not a 404, answers."""
    return re.sub(r"<(?:int:)?[a-z_]+>", "1", rule)


def test_the_map_has_admin_routes():
    assert {endpoint for _, endpoint, _ in ADMIN_RULES} >= {"admin.users", "admin.user_new", "admin.teams"}


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("rule,endpoint,method", ADMIN_RULES)
def test_admin_route_access(app, make_user, principal, rule, endpoint, method):
    admin = make_user("admin", team="sales")  # id 1: the target of /users/1/... routes
    client = app.test_client()
    if principal != "anonymous":
        role = principal.removeprefix("deactivated-")
        user = make_user(role, active=not principal.startswith("deactivated"))
        sign_in(client, user)
    response = client.open(concrete_path(rule), method=method, data={})
    if principal in ("anonymous", "deactivated-admin"):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    elif principal == "admin":
        assert response.status_code not in (401, 403), response.status_code
        assert response.status_code < 500
    else:
        assert response.status_code == 403
    if principal != "admin":
        assert admin.active, "a refused request must change nothing"


def int_id_rules():
    """Every route of the app with an integer in its path, with each of its methods."""
    from app import create_app
    app = create_app({"TESTING": True})
    return sorted((rule.rule, method) for rule in app.url_map.iter_rules() if "<int:" in rule.rule
                  for method in rule.methods - {"HEAD", "OPTIONS"})


INT_ID_RULES = int_id_rules()
TOO_LARGE = [str(2**31), str(2**31 + 1), str(2**63), str(2**64), "9" * 30, "1" + "0" * 5000, "0" * 40 + str(2**31)]


def test_the_map_has_routes_with_integer_ids():
    assert {rule for rule, _ in INT_ID_RULES} >= {
        "/admin/users/<int:user_id>/edit", "/admin/users/<int:user_id>/deactivate",
        "/admin/users/<int:user_id>/reactivate", "/admin/teams/<int:team_id>/rename",
        "/admin/tokens/<int:token_id>/revoke", "/admin/webhooks/<int:webhook_id>/delete",
        "/admin/webhooks/deliveries/<int:delivery_id>/resend", "/review/<int:version_id>/send-back"}


@pytest.mark.parametrize("number", TOO_LARGE, ids=lambda n: f"{len(n)}-digits")
@pytest.mark.parametrize("rule,method", INT_ID_RULES)
def test_an_id_beyond_the_database_integers_is_404(app, make_user, rule, method, number):
    client = app.test_client()
    sign_in(client, make_user("admin", team="sales"))
    response = client.open(re.sub(r"<int:[a-z_]+>", number, rule), method=method, data={})
    assert response.status_code == 404, (rule, response.status_code)


def test_the_largest_id_still_reaches_the_view(app, make_user):
    client = app.test_client()
    sign_in(client, make_user("admin", team="sales"))
    response = client.post(f"/admin/users/{2**31 - 1}/edit", data={})
    assert response.status_code == 404 and b"No such user." in response.data


THAI_LETTERS = re.compile("[\u0e00-\u0e7f]")


@pytest.mark.parametrize("rule,endpoint", [(rule, endpoint) for rule, endpoint, method in ADMIN_RULES
                                           if method == "GET"])
def test_every_admin_page_reads_in_thai(app, make_user, rule, endpoint):
    """An admin whose browser asks for Thai gets every admin page in Thai, headings and all."""
    from tests.factories import make_entry, make_published
    make_published([make_entry("terms", "icp-fit", name="ICP fit")])
    client = app.test_client()
    sign_in(client, make_user("admin", team="sales"))  # id 1: /users/1/edit edits this admin
    response = client.get(concrete_path(rule), headers={"Accept-Language": "th"})
    assert response.status_code == 200, response.status_code
    if response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        heading = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
        assert '<html lang="th"' in page and THAI_LETTERS.search(heading), heading


def test_admin_form_errors_read_in_thai(login_as):
    admin = login_as("admin", team="sales")
    response = admin.post("/admin/teams", data={"slug": "Bad Slug", "name": ""}, headers={"Accept-Language": "th"})
    assert response.status_code == 400
    errors = re.findall(r'class="field-error">(.*?)</small>', response.get_data(as_text=True))
    assert len(errors) == 2 and all(THAI_LETTERS.search(error) for error in errors), errors
