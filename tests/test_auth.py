"""Signing in and out: credentials, throttling, timing, redirects after sign-in, CSRF."""
import re
import threading
from datetime import timedelta

import pytest
from werkzeug.security import check_password_hash

from app.auth import throttle
from app.auth.redirects import safe_next
from app.models import LoginAttempt
from app.models import accounts
from tests.conftest import PASSWORD

HOME = "203.0.113.10"
ELSEWHERE = "198.51.100.20"


def post_login(client, email, password=PASSWORD, address=HOME, headers=None, query="", **extra):
    return client.post("/login" + query, data={"email": email, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def signed_in(client) -> bool:
    return b"Sign out" in client.get("/").data if client.get("/").status_code == 200 else False


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by tests instead of waiting."""
    state = {"now": throttle.now()}
    monkeypatch.setattr(throttle, "now", lambda: state["now"])

    def advance(seconds):
        state["now"] += timedelta(seconds=seconds)
    return advance


@pytest.fixture
def hash_checks(monkeypatch):
    """Every password hash verified, as (method prefix, password)."""
    seen = []

    def counting(password_hash, password):
        seen.append(password_hash.split("$")[0])
        return check_password_hash(password_hash, password)
    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return seen


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
    counts = {(row.email, row.address): row.failures for row in db.session.query(LoginAttempt)}
    assert counts == {(user.email, HOME): 1, ("", HOME): 1}


def test_a_thai_browser_is_refused_in_thai(client, make_user):
    user = make_user("reader")
    page = post_login(client, user.email, "wrong password", headers={"Accept-Language": "th"}).get_data(as_text=True)
    assert '<html lang="th"' in page and "อีเมลหรือรหัสผ่านไม่ถูกต้อง" in page and "Wrong email" not in page


def test_unknown_account_gets_the_same_message(client):
    response = post_login(client, "nobody@example.com", "whatever-password")
    assert response.status_code == 401
    assert b"Wrong email or password" in response.data


# --- timing: an unknown account costs one hash verification, like a wrong password ----------

@pytest.mark.parametrize("case", ["unknown account", "wrong password", "right password", "deactivated"])
def test_every_sign_in_verifies_exactly_one_hash_of_the_same_cost(client, make_user, hash_checks, case):
    user = make_user("reader", active=case != "deactivated")
    email = "nobody@example.com" if case == "unknown account" else user.email
    password = "wrong password" if case == "wrong password" else PASSWORD
    post_login(client, email, password)
    assert hash_checks == [user.password_hash.split("$")[0]]  # scrypt:32768:8:1 either way


# --- throttling ---------------------------------------------------------------------------

def test_five_failures_delay_the_pair_even_for_the_right_password(client, make_user, clock):
    user = make_user("reader")
    for _ in range(5):
        assert post_login(client, user.email, "wrong").status_code == 401
    response = post_login(client, user.email)
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.data
    assert response.headers["Retry-After"] == "5"
    assert not signed_in(client)


def test_the_owner_elsewhere_is_not_slowed_by_guesses_at_their_account(app, make_user):
    user = make_user("reader")
    attacker = app.test_client()
    for _ in range(12):
        post_login(attacker, user.email, "guess", address=ELSEWHERE)
    owner = app.test_client()
    assert post_login(owner, user.email, address=HOME).status_code == 302


def test_after_the_limit_the_delay_doubles_and_the_right_password_then_gets_in(client, make_user, clock, hash_checks):
    user = make_user("reader")
    for _ in range(5):
        post_login(client, user.email, "wrong")
    clock(5)
    assert post_login(client, user.email, "wrong").status_code == 401  # the 6th try, after 5 s
    clock(9)
    refused = post_login(client, user.email)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"  # now 10 s
    assert len(hash_checks) == 6  # a delayed try is refused before any password is checked
    clock(1)
    assert post_login(client, user.email).status_code == 302


def test_a_success_clears_the_pair(app, make_user):
    user = make_user("reader")
    client = app.test_client()
    for _ in range(4):
        post_login(client, user.email, "wrong")
    assert post_login(client, user.email).status_code == 302
    again = app.test_client()
    for _ in range(4):
        assert post_login(again, user.email, "wrong").status_code == 401


def test_failures_at_many_accounts_delay_the_address(app, client, make_user):
    victim = make_user("reader")
    for n in range(20):
        post_login(client, f"guess{n}@example.com", "wrong")
    assert post_login(client, victim.email).status_code == 429
    assert post_login(app.test_client(), victim.email, address=ELSEWHERE).status_code == 302


def test_successes_at_an_address_do_not_use_up_its_budget(app, make_user):
    people = [make_user("reader") for _ in range(3)]
    office = app.test_client()
    for n in range(19):
        post_login(office, f"typo{n}@example.com", "wrong")
    for person in people * 3:
        client = app.test_client()
        assert post_login(client, person.email).status_code == 302
    assert post_login(app.test_client(), "typo@example.com", "wrong").status_code == 401


def test_failures_older_than_the_window_do_not_count(client, make_user, clock):
    user = make_user("reader")
    for _ in range(5):
        post_login(client, user.email, "wrong")
    clock(15 * 60)
    assert post_login(client, user.email).status_code == 302


def test_counts_a_window_old_are_dropped_at_the_next_attempt(client, db, clock):
    for n in range(3):
        post_login(client, f"gone{n}@example.com", "wrong", address=ELSEWHERE)
    clock(15 * 60 + 1)
    post_login(client, "fresh@example.com", "wrong")
    keys = {(row.email, row.address) for row in db.session.query(LoginAttempt)}
    assert keys == {("fresh@example.com", HOME), ("", HOME)}


def test_x_forwarded_for_is_ignored_without_trusted_proxies(client, make_user):
    user = make_user("reader")
    for n in range(5):
        post_login(client, user.email, "wrong", headers={"X-Forwarded-For": f"192.0.2.{n}"})
    assert post_login(client, user.email, headers={"X-Forwarded-For": "192.0.2.99"}).status_code == 429


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": False, "ACCORD_TRUSTED_PROXIES": 1}])
def test_x_forwarded_for_from_one_trusted_proxy_names_the_client(client, make_user):
    user = make_user("reader")
    for _ in range(5):
        post_login(client, user.email, "wrong", headers={"X-Forwarded-For": "192.0.2.1"})
    assert post_login(client, user.email, headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 429
    spoofed = {"X-Forwarded-For": "192.0.2.1, 192.0.2.2"}  # the proxy appends the real client last
    assert post_login(client, user.email, headers=spoofed).status_code == 302


def _guess_in_parallel(app, emails, passwords=("wrong",)):
    """Post one sign-in per email from one address, all released at once; returns the statuses."""
    barrier = threading.Barrier(len(emails))
    statuses = []

    def guess(email, password):
        client = app.test_client()
        barrier.wait()
        statuses.append(post_login(client, email, password).status_code)

    threads = [threading.Thread(target=guess, args=(email, passwords[n % len(passwords)]))
               for n, email in enumerate(emails)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": False, "LOGIN_DELAY_SECONDS": 600,
                                         "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 45, "max_overflow": 0}}])
def test_forty_parallel_guesses_at_one_account_check_only_five_passwords(app, make_user, hash_checks):
    user = make_user("reader")
    statuses = _guess_in_parallel(app, [user.email] * 40)
    assert sorted(statuses) == [401] * 5 + [429] * 35
    assert len(hash_checks) == 5


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": False, "LOGIN_DELAY_SECONDS": 600,
                                         "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 45, "max_overflow": 0}}])
def test_forty_parallel_guesses_at_many_accounts_check_only_twenty(app, hash_checks):
    statuses = _guess_in_parallel(app, [f"person{n}@example.com" for n in range(40)])
    assert sorted(statuses) == [401] * 20 + [429] * 20
    assert len(hash_checks) == 20


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": False,
                                         "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 25, "max_overflow": 0}}])
def test_right_and_wrong_passwords_at_once_never_fail_or_wait_for_each_other(app, make_user):
    user = make_user("reader")
    statuses = _guess_in_parallel(app, [user.email] * 20, passwords=(PASSWORD, "wrong"))
    assert len(statuses) == 20 and set(statuses) <= {302, 401, 429}
    assert 302 in statuses


# --- after sign-in: where to, and a fresh session -------------------------------------------

HOSTILE_NEXT = ["//evil.example.com/", "/%09/evil.example/phish", "/%0a/x", "/%0d%0a/x", "/\\evil.example",
                "/%5Cevil.example", "https://evil.example/", "javascript:alert(1)", "///evil.example",
                "/%E2%80%8B/evil.example", "%20/x", "/x%20y", "http:/evil.example", "/x%00"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_a_next_that_could_leave_the_site_goes_home(client, make_user, target):
    user = make_user("reader")
    response = post_login(client, user.email, query=f"?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/glossary?q=lead", "/versions", "/print?version=1.0.0#terms"])
def test_a_next_on_this_site_is_followed(client, make_user, target):
    user = make_user("reader")
    response = post_login(client, user.email, query="?next=" + target.replace("?", "%3F").replace("#", "%23")
                          .replace("&", "%26").replace("=", "%3D"))
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/x", "/\\\\evil", " /x", "/x\u2028", "/\u00a0x", "//x"])
def test_safe_next_refuses_rather_than_strips(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": True}])
def test_the_csrf_token_changes_at_sign_in(client, make_user):
    user = make_user("reader")
    before = _csrf_token(client.get("/login").data)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    after = _csrf_token(client.get("/").data)
    assert after != before
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400  # the old one is dead
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def _csrf_token(page: bytes) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', page.decode()).group(1)


# --- the rest of signing in and out ---------------------------------------------------------

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


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": False}])
def test_remember_me_lasts_thirty_days(app, client, make_user):
    from http.cookies import SimpleCookie
    from email.utils import parsedate_to_datetime
    from datetime import datetime, timezone

    user = make_user("reader")
    response = post_login(client, user.email, remember="y")
    cookies = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookies.load(header)
    expires = parsedate_to_datetime(cookies["remember_token"]["expires"])
    assert timedelta(days=29) < expires - datetime.now(timezone.utc) <= timedelta(days=30)
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": True}])
def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user("reader")
    response = post_login(client, user.email)
    assert response.status_code == 400
    assert b"security token" in response.data or b"CSRF" in response.data


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": True}])
def test_htmx_post_with_csrf_header_is_accepted(client, make_user):
    user = make_user("reader")
    token = _csrf_token(client.get("/login").data)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302


def test_session_cookie_flags(client, make_user):
    user = make_user("reader")
    cookie = post_login(client, user.email).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("raw,hops", [("", 0), ("0", 0), ("1", 1), (" 2 ", 2)])
def test_trusted_proxies_are_read_from_the_environment(monkeypatch, tmp_path, raw, hops):
    from app.config import load_config

    monkeypatch.setenv("ACCORD_TRUSTED_PROXIES", raw)
    assert load_config(tmp_path)["ACCORD_TRUSTED_PROXIES"] == hops


@pytest.mark.parametrize("raw", ["-1", "one", "1.5", "²"])
def test_a_trusted_proxy_count_that_is_not_a_whole_number_stops_the_start(monkeypatch, tmp_path, raw):
    from app.config import ConfigError, load_config

    monkeypatch.setenv("ACCORD_TRUSTED_PROXIES", raw)
    with pytest.raises(ConfigError, match="ACCORD_TRUSTED_PROXIES"):
        load_config(tmp_path)


@pytest.mark.parametrize("target", ["/\n/x", "/\t/evil.example/phish", "//evil.example", "/\\evil.example"])
def test_the_acknowledgement_form_uses_the_same_safe_next(login_as, target):
    client = login_as("reader")
    response = client.post("/acknowledgements", data={"version": "9.9.9", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
