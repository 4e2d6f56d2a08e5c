"""/account: one's own name and password; an admin's forced reset comes first."""
import pytest
from sqlalchemy import select

from app.auth.services import force_password_reset
from app.models import AuditEvent
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None, **kwargs):
    return client.post("/account/password", data={"current_password": current, "new_password": new,
                                                  "confirm": new if confirm is None else confirm}, **kwargs)


def sign_in(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.mark.parametrize("path", ["/account", "/account/password"])
def test_the_account_pages_need_a_signed_in_user(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["reader", "editor", "approver", "admin"])
def test_every_role_sees_its_account_and_the_navigation_links_to_it(login_as, role):
    client = login_as(role)
    page = client.get("/account")
    assert page.status_code == 200
    assert client.user.email.encode() in page.data
    assert b'href="/account"' in client.get("/").data


def test_changing_ones_name(login_as, db):
    client = login_as("reader")
    response = client.post("/account/name", data={"name": "  New Name  "})
    assert response.status_code == 302
    db.session.refresh(client.user)
    assert client.user.name == "New Name"


@pytest.mark.parametrize("name,message", [("", b"required"), ("   ", b"required"), ("x" * 101, b"longer than 100"),
                                          ("Bad\x00Name", b"Control characters")])
def test_a_bad_name_is_refused_and_nothing_changes(login_as, db, name, message):
    client = login_as("reader")
    before = client.user.name
    response = client.post("/account/name", data={"name": name})
    assert response.status_code == 400
    assert message in response.data
    db.session.refresh(client.user)
    assert client.user.name == before


def test_changing_ones_password_keeps_this_session_and_the_new_password_signs_in(app, login_as, db):
    client = login_as("editor")
    response = change(client)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert sign_in(app.test_client(), client.user.email, PASSWORD).status_code == 401
    assert sign_in(app.test_client(), client.user.email, NEW_PASSWORD).status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_changed")) is not None


@pytest.mark.parametrize("current,new,confirm,message", [
    ("not my password", NEW_PASSWORD, None, b"not your current password"),
    (PASSWORD, "short pass", None, b"at least 12 characters"),
    (PASSWORD, "PasswordPassword", None, b"most common passwords"),
    (PASSWORD, "qwertyuiop123", None, b"most common passwords"),
    (PASSWORD, NEW_PASSWORD, "something else entirely", b"two new passwords differ"),
    ("", NEW_PASSWORD, None, b"required"),
])
def test_a_refused_password_change_changes_nothing(app, login_as, db, current, new, confirm, message):
    client = login_as("editor")
    hash_before, generation_before = client.user.password_hash, client.user.session_generation
    response = change(client, current, new, confirm)
    assert response.status_code == 400
    assert message in response.data
    db.session.refresh(client.user)
    assert (client.user.password_hash, client.user.session_generation) == (hash_before, generation_before)


def test_the_email_itself_is_refused_as_a_password(login_as):
    client = login_as("editor", email="longname.person@example.com")
    response = change(client, new="longname.person@example.com")
    assert response.status_code == 400 and b"email" in response.data


def test_guessing_the_current_password_is_throttled_like_a_sign_in(login_as):
    client = login_as("editor")
    for _ in range(5):
        assert change(client, current="a guess at it").status_code == 400
    response = change(client)
    assert response.status_code == 429
    assert "Retry-After" in response.headers


# --- a forced reset --------------------------------------------------------------------------

@pytest.fixture
def reset_user(app, make_user, db):
    """A signed-in client of a user whose admin forced a password reset before this sign-in."""
    user = make_user("editor")
    force_password_reset(user)
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    client.user = user
    return client


@pytest.mark.parametrize("path", ["/", "/glossary", "/account", "/versions", "/draft"])
def test_after_a_forced_reset_every_page_leads_to_a_new_password(reset_user, path):
    response = reset_user.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password"


def test_after_a_forced_reset_htmx_is_sent_to_the_password_page(reset_user):
    response = reset_user.get("/glossary", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/account/password"


def test_after_a_forced_reset_the_api_answers_problem_json(reset_user):
    response = reset_user.get("/api/v1/sla")
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_after_a_forced_reset_the_page_asks_in_thai_and_the_api_stays_english(reset_user):
    thai = {"Accept-Language": "th"}
    page = reset_user.get("/glossary", headers=thai, follow_redirects=True).get_data(as_text=True)
    assert "โปรดตั้งรหัสผ่านใหม่ก่อน" in page
    answer = reset_user.get("/api/v1/sla", headers=thai)
    assert answer.json["detail"] == "Choose a new password first: an admin asked for it."


def test_after_a_forced_reset_a_new_password_opens_the_portal(reset_user, db):
    page = reset_user.get("/account/password")
    assert page.status_code == 200 and b"An admin asked you" in page.data
    assert change(reset_user).status_code == 302
    db.session.refresh(reset_user.user)
    assert not reset_user.user.must_change_password
    assert reset_user.get("/").status_code == 200


def test_after_a_forced_reset_one_can_still_sign_out(reset_user):
    assert reset_user.post("/logout").status_code == 302
    assert reset_user.get("/").headers["Location"].startswith("/login")
