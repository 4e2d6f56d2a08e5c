"""The approval policy page: admins only; which teams must sign; self-approval; validation."""
import re

import pytest

from app.models import AuditEvent
from app.versions.policy import required_teams, self_approval_allowed

ROLES = ["reader", "editor", "approver"]


def checkbox(html: str, value: str) -> str:
    """The <input> tag of a checkbox with this value."""
    return re.search(rf'<input [^>]*value="{re.escape(value)}"[^>]*>', html).group(0)


def checked(html: str, value: str) -> bool:
    return " checked" in checkbox(html, value)


def test_anonymous_is_sent_to_sign_in(client):
    for method in ("GET", "POST"):
        response = client.open("/admin/policy", method=method)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_lower_roles_are_refused_and_change_nothing(login_as, role, method):
    client = login_as(role, team="sales")
    response = client.open("/admin/policy", method=method, data={"teams": ["sales"], "allow_self_approval": "y"})
    assert response.status_code == 403
    assert required_teams() == ["marketing", "sales"]
    assert self_approval_allowed() is False


def test_page_shows_the_current_policy(login_as, make_user):
    make_user("editor", team="customer-success")
    html = login_as("admin").get("/admin/policy").get_data(as_text=True)
    assert checked(html, "marketing") and checked(html, "sales")
    assert not checked(html, "customer-success")
    assert "Approvers may approve versions containing their own edits" in html
    assert 'id="allow_self_approval"' in html and not checked(html, "y")  # off by default


def test_saving_changes_the_policy_and_is_audited(login_as, make_user, db):
    make_user("editor", team="customer-success")
    admin = login_as("admin")
    response = admin.post("/admin/policy", data={"teams": ["sales", "customer-success"],
                                                 "allow_self_approval": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/policy")
    assert required_teams() == ["customer-success", "sales"]
    assert self_approval_allowed() is True
    event = db.session.query(AuditEvent).filter_by(action="policy.changed").one()
    assert event.user_id == admin.user.id
    page = admin.get("/admin/policy").get_data(as_text=True)
    assert "Approval policy saved." in page
    assert not checked(page, "marketing") and checked(page, "sales") and checked(page, "y")


def test_turning_self_approval_off_again(login_as):
    admin = login_as("admin")
    admin.post("/admin/policy", data={"teams": ["marketing", "sales"], "allow_self_approval": "y"})
    admin.post("/admin/policy", data={"teams": ["marketing", "sales"]})
    assert self_approval_allowed() is False


@pytest.mark.parametrize("data,message", [
    ({}, "Choose at least one team that must sign."),
    ({"allow_self_approval": "y"}, "Choose at least one team that must sign."),
    ({"teams": ["nope"]}, "not a valid choice"),
])
def test_invalid_policies_are_refused_on_the_form(login_as, db, data, message):
    admin = login_as("admin")
    response = admin.post("/admin/policy", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert required_teams() == ["marketing", "sales"]
    assert self_approval_allowed() is False
    assert db.session.query(AuditEvent).filter_by(action="policy.changed").count() == 0


def test_admin_nav_links_the_policy_and_audit_pages(login_as):
    html = login_as("admin").get("/admin/users").get_data(as_text=True)
    assert 'href="/admin/policy"' in html and 'href="/admin/audit"' in html
