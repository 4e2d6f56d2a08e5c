"""Signing in and out, throttling, deactivated users, CSRF."""
import pytest

from app.models import LoginAttempt
from tests.conftest import PASSWORD


def post_login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_with_right_password_signs_in_and_shows_home(client, make_user):
    user = make_user("editor")
    response = post_login(client, user.email)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert f"Sign out {user.name}".encode() in page.data


def test_login_email_is_case_insensitive(client, make_user):
    user = make_user("reader")
    assert post_login(client, user.email.upper()).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, make_user, db):
    user = make_user("reader")
    response = post_login(client, user.email, "wrong password")
    assert response.status_code == 401
    assert b"Wrong email or password" in response.data
    assert db.session.query(LoginAttempt).count() == 1


def test_unknown_account_gets_the_same_message(client):
    response = post_login(client, "nobody@example.com", "whatever-password")
    assert response.status_code == 401
    assert b"Wrong email or password" in response.data


def test_throttling_after_five_failures_refuses_even_the_right_password(client, make_user):
    user = make_user("reader")
    for _ in range(5):
        assert post_login(client, user.email, "wrong").status_code == 401
    response = post_login(client, user.email)
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.data
    assert b"Sign out" not in client.get("/").data


def test_throttling_by_address_covers_other_accounts(client, make_user):
    victim = make_user("reader")
    for n in range(5):
        post_login(client, f"guess{n}@example.com", "wrong")
    assert post_login(client, victim.email).status_code == 429


def test_failures_older_than_the_window_do_not_count(app, client, make_user):
    user = make_user("reader")
    app.config["LOGIN_WINDOW_SECONDS"] = 0
    for _ in range(6):
        post_login(client, user.email, "wrong")
    assert post_login(client, user.email).status_code == 302


def test_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user("editor", active=False)
    response = post_login(client, user.email)
    assert response.status_code == 401
    assert b"deactivated" in response.data


def test_deactivated_user_with_a_live_session_is_treated_as_anonymous(app, make_user, db):
    from tests.conftest import sign_in
    user = make_user("admin")
    make_user("admin")
    client = app.test_client()
    sign_in(client, user)
    assert client.get("/admin/users").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/admin/users").status_code == 302


def test_logout_signs_out(client, make_user):
    user = make_user("reader")
    post_login(client, user.email)
    assert client.get("/logout").status_code == 200  # a page with the sign-out button
    response = client.post("/logout")
    assert response.status_code == 302
    assert b"Sign out" not in client.get("/").data


def test_remember_me_sets_a_remember_cookie(client, make_user):
    user = make_user("reader")
    response = post_login(client, user.email, remember="y")
    assert "remember_token" in response.headers.get("Set-Cookie", "")


def test_open_redirect_is_refused(client, make_user):
    user = make_user("reader")
    response = client.post("/login?next=//evil.example.com/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": True}])
def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user("reader")
    response = post_login(client, user.email)
    assert response.status_code == 400
    assert b"security token" in response.data or b"CSRF" in response.data


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": True}])
def test_htmx_post_with_csrf_header_is_accepted(client, make_user):
    import re
    user = make_user("reader")
    page = client.get("/login").data.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302


def test_session_cookie_flags(client, make_user):
    user = make_user("reader")
    cookie = post_login(client, user.email).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
