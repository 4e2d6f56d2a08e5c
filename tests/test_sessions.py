"""A session or remember-me cookie stops working when it should: sign-out, deactivation, a new
password, a new role or team, a forced reset."""
import re

import pytest

from app.auth.services import change_password, force_password_reset
from app.extensions import db as _db
from tests.conftest import PASSWORD


def sign_in_through_the_form(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert client.post("/login", data=data).status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get("/").status_code == 200


def copy_of(app, client, *names):
    """Another browser holding copies of these cookies, as someone who stole them would."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def only_remember_cookie(app, client):
    return copy_of(app, client, "remember_token")


@pytest.fixture
def admin(login_as):
    return login_as("admin", team="sales")


def test_a_copied_session_cookie_dies_at_sign_out(app, client, make_user):
    user = make_user("reader")
    sign_in_through_the_form(client, user)
    stolen = copy_of(app, client, "session")
    assert is_signed_in(stolen)
    client.post("/logout")
    assert not is_signed_in(stolen)


def test_the_remember_me_cookie_alone_signs_in_until_sign_out(app, client, make_user):
    user = make_user("reader")
    sign_in_through_the_form(client, user, remember=True)
    assert is_signed_in(only_remember_cookie(app, client))
    client.post("/logout")
    assert not is_signed_in(only_remember_cookie(app, client))


def test_sign_out_clears_the_remember_me_cookie(client, make_user):
    user = make_user("reader")
    sign_in_through_the_form(client, user, remember=True)
    client.post("/logout")
    assert client.get_cookie("remember_token") is None


def test_a_cookie_from_before_deactivation_stays_dead_after_reactivation(app, client, make_user, admin):
    user = make_user("editor")
    sign_in_through_the_form(client, user, remember=True)
    remembered = only_remember_cookie(app, client)
    assert admin.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    assert not is_signed_in(client)
    assert admin.post(f"/admin/users/{user.id}/reactivate").status_code == 302
    assert not is_signed_in(client)
    assert not is_signed_in(remembered)
    assert is_signed_in(sign_in_through_the_form(app.test_client(), user))


@pytest.mark.parametrize("change", [{"role": "approver"}, {"team": "sales"}])
def test_a_new_role_or_team_ends_the_users_sessions(app, client, make_user, admin, change):
    user = make_user("editor")
    sign_in_through_the_form(client, user, remember=True)
    remembered = only_remember_cookie(app, client)
    form = {"name": user.name, "team": "marketing", "role": "editor", **change}
    assert admin.post(f"/admin/users/{user.id}/edit", data=form).status_code == 302
    assert not is_signed_in(client)
    assert not is_signed_in(remembered)


def test_a_new_name_keeps_the_session(client, make_user, admin):
    user = make_user("editor")
    sign_in_through_the_form(client, user)
    form = {"name": "Renamed", "team": "marketing", "role": "editor"}
    assert admin.post(f"/admin/users/{user.id}/edit", data=form).status_code == 302
    assert is_signed_in(client)


def test_a_new_password_ends_every_session_set_outside_the_account_page(app, client, make_user, db):
    user = make_user("reader")
    sign_in_through_the_form(client, user, remember=True)
    remembered = only_remember_cookie(app, client)
    change_password(user, "a fresh long passphrase")
    db.session.commit()
    assert not is_signed_in(client)
    assert not is_signed_in(remembered)


def test_a_forced_reset_ends_every_session(app, client, make_user, db):
    user = make_user("reader")
    sign_in_through_the_form(client, user, remember=True)
    remembered = only_remember_cookie(app, client)
    force_password_reset(user)
    db.session.commit()
    assert not is_signed_in(client)
    assert not is_signed_in(remembered)


@pytest.mark.parametrize("user_id", ["{id}", "{id}:", ":{id}", "{id}:0:0", "{id}:-1", "{id}:٠", "{id}:1", "x:0"])
def test_a_session_naming_another_generation_or_no_generation_is_signed_out(app, make_user, user_id):
    user = make_user("reader")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id.format(id=user.id)
    assert client.get("/").status_code == 302


def test_a_user_id_of_the_current_generation_is_signed_in(app, make_user):
    user = make_user("reader")
    user.revoke_sessions()
    _db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:1"
    assert client.get("/").status_code == 200


def test_signing_in_stores_when_it_happened(client, make_user):
    user = make_user("reader")
    sign_in_through_the_form(client, user, remember=True)
    with client.session_transaction() as session:
        assert re.fullmatch(rf"{user.id}:0:[0-9]+", session["_user_id"])


@pytest.mark.parametrize("days,signed_in", [(29, True), (31, False)])
def test_a_remember_me_cookie_lasts_thirty_days_even_if_the_browser_keeps_it(app, client, make_user, monkeypatch,
                                                                              days, signed_in):
    from app.auth import access

    user = make_user("reader")
    sign_in_through_the_form(client, user, remember=True)
    later = access.now_seconds() + days * 24 * 3600
    monkeypatch.setattr(access, "now_seconds", lambda: later)
    assert is_signed_in(only_remember_cookie(app, client)) is signed_in
    assert is_signed_in(client) is signed_in
