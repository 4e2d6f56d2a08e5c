"""Every admin route, every role: only active admins get in.

The routes come from Flask's URL map, so a new admin route is covered without editing this file.
"""
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
    import re
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
