"""Admins create, edit, deactivate and reactivate users, and manage teams."""
import pytest
from sqlalchemy import select

from app.models import AuditEvent, Team, User


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def test_users_page_lists_users(admin, make_user):
    other = make_user("reader", team="sales")
    page = admin.get("/admin/users")
    assert page.status_code == 200
    assert other.email.encode() in page.data


def test_admin_creates_a_user_who_can_then_sign_in(app, admin, db):
    response = admin.post("/admin/users/new", data={
        "email": "New.Hire@Example.com", "name": "New Hire", "team": "sales", "role": "reader",
        "password": "a-long-password"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.hire@example.com"))
    assert user.team.slug == "sales" and user.role == "reader" and user.active
    assert user.password_hash.startswith("scrypt:")
    fresh = app.test_client()
    signed_in = fresh.post("/login", data={"email": "new.hire@example.com", "password": "a-long-password"})
    assert signed_in.status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created")) is not None


@pytest.mark.parametrize("data,message", [
    ({"email": "not-an-email"}, b"Invalid email address"),
    ({"name": "x" * 101}, b"Field cannot be longer than 100 characters"),
    ({"role": "overlord"}, b"Not a valid choice"),
    ({"team": "legal"}, b"Not a valid choice"),
    ({"password": "short"}, b"at least 12 characters"),
    ({"password": "Password123456"}, b"most common passwords"),
    ({"name": ""}, b"This field is required"),
])
def test_bad_user_input_is_refused_with_a_message_and_nothing_saved(admin, db, data, message):
    form = {"email": "someone@example.com", "name": "Someone", "team": "sales", "role": "reader",
            "password": "a-long-password", **data}
    count = db.session.query(User).count()
    response = admin.post("/admin/users/new", data=form)
    assert response.status_code == 400
    assert message in response.data
    assert db.session.query(User).count() == count


def test_duplicate_email_is_refused(admin, make_user, db):
    existing = make_user("reader")
    response = admin.post("/admin/users/new", data={
        "email": existing.email.upper(), "name": "Copy", "team": "sales", "role": "reader",
        "password": "a-long-password"})
    assert response.status_code == 400
    assert b"already exists" in response.data


def test_admin_changes_team_and_role(admin, make_user, db):
    user = make_user("reader")
    response = admin.post(f"/admin/users/{user.id}/edit", data={"name": "Renamed", "team": "sales", "role": "editor"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.team.slug, user.role) == ("Renamed", "sales", "editor")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.changed"))
    assert event.before["role"] == "reader" and event.after["role"] == "editor"


def test_deactivate_and_reactivate(admin, make_user, db):
    user = make_user("editor")
    assert admin.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    db.session.refresh(user)
    assert not user.active
    assert admin.post(f"/admin/users/{user.id}/reactivate").status_code == 302
    db.session.refresh(user)
    assert user.active


def test_last_active_admin_cannot_be_deactivated_or_demoted(admin, db):
    me = admin.user
    response = admin.post(f"/admin/users/{me.id}/deactivate", follow_redirects=True)
    assert b"last active admin" in response.data
    db.session.refresh(me)
    assert me.active
    response = admin.post(f"/admin/users/{me.id}/edit", data={"name": me.name, "team": "marketing", "role": "editor"})
    assert response.status_code == 400
    assert b"Another admin changes your own team and role" in response.data
    db.session.refresh(me)
    assert me.role == "admin"


def test_an_admin_can_be_demoted_when_another_admin_remains(admin, make_user, db):
    other = make_user("admin", team="sales")
    response = admin.post(f"/admin/users/{other.id}/edit", data={"name": other.name, "team": "sales", "role": "approver"})
    assert response.status_code == 302
    db.session.refresh(other)
    assert other.role == "approver"


@pytest.mark.parametrize("change", [{"role": "editor"}, {"team": "sales"}, {"role": "reader", "team": "sales"}])
def test_an_admin_cannot_change_their_own_team_or_role(admin, make_user, db, change):
    make_user("admin", team="sales")  # not the last admin: the refusal is about changing oneself
    me = admin.user
    form = {"name": me.name, "team": "marketing", "role": "admin", **change}
    response = admin.post(f"/admin/users/{me.id}/edit", data=form)
    assert response.status_code == 400
    assert b"Another admin changes your own team and role" in response.data
    db.session.refresh(me)
    assert (me.team.slug, me.role) == ("marketing", "admin")


def test_an_admin_may_rename_themselves(admin, db):
    me = admin.user
    response = admin.post(f"/admin/users/{me.id}/edit", data={"name": "Me Renamed", "team": "marketing", "role": "admin"})
    assert response.status_code == 302
    db.session.refresh(me)
    assert me.name == "Me Renamed"


def test_another_admin_changes_an_admins_role(admin, make_user, login_as, db):
    other = make_user("admin", team="sales")
    response = admin.post(f"/admin/users/{other.id}/edit", data={"name": other.name, "team": "marketing", "role": "editor"})
    assert response.status_code == 302
    db.session.refresh(other)
    assert (other.team.slug, other.role) == ("marketing", "editor")


def test_force_a_password_reset(admin, make_user, db):
    user = make_user("editor")
    generation = user.session_generation
    page = admin.get("/admin/users")
    assert b"Force a password reset" in page.data
    response = admin.post(f"/admin/users/{user.id}/force-reset")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.must_change_password and user.session_generation == generation + 1
    assert b"must choose a new password" in admin.get("/admin/users").data
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_reset_forced")) is not None


def test_force_a_password_reset_needs_the_admin_role_and_a_post(login_as, make_user, db):
    user = make_user("reader")
    assert login_as("editor").post(f"/admin/users/{user.id}/force-reset").status_code == 403
    assert login_as("admin").get(f"/admin/users/{user.id}/force-reset").status_code == 405
    db.session.refresh(user)
    assert not user.must_change_password


def test_unknown_user_is_404(admin):
    assert admin.get("/admin/users/999/edit").status_code == 404


def test_teams_page_adds_and_renames_a_team(admin, db):
    page = admin.get("/admin/teams")
    assert b"Marketing" in page.data and b"Sales" in page.data
    response = admin.post("/admin/teams", data={"slug": "customer-success", "name": "Customer Success"})
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.slug == "customer-success"))
    assert team is not None and not team.required_for_approval
    admin.post(f"/admin/teams/{team.id}/rename", data={"name": "CS"})
    db.session.refresh(team)
    assert team.name == "CS"


@pytest.mark.parametrize("slug,message", [("Bad Slug", b"Lowercase letters"), ("sales", b"already exists"), ("", b"required")])
def test_bad_team_input_is_refused(admin, db, slug, message):
    count = db.session.query(Team).count()
    response = admin.post("/admin/teams", data={"slug": slug, "name": "Whatever"})
    assert response.status_code == 400
    assert message in response.data
    assert db.session.query(Team).count() == count


def test_a_post_to_an_admin_route_by_an_editor_is_403_and_changes_nothing(login_as, make_user, db):
    editor = login_as("editor")
    target = make_user("reader")
    response = editor.post(f"/admin/users/{target.id}/edit", data={"name": "x", "team": "sales", "role": "admin"})
    assert response.status_code == 403
    db.session.refresh(target)
    assert target.role == "reader"
