"""Weak passwords are refused wherever a password is set: form, admin, command line, model."""
import pytest
from sqlalchemy import select

from app.auth.passwords import COMMON_PASSWORDS_FILE, WeakPassword, common_passwords, password_problem
from app.models import User


@pytest.mark.parametrize("password", ["password", "12345678", "Password", "elevenchars", "", None,
                                      "PASSWORDPASSWORD", "Qwertyuiop123", "123456789012", "iloveyou1234",
                                      "correct horse battery staple", "x" * 201])
def test_weak_passwords_are_refused(password):
    assert password_problem(password) is not None


@pytest.mark.parametrize("password", ["correct horse battery", "tangerine-lamp-orbit", "Zq7!long-enough"])
def test_long_uncommon_passwords_pass(password):
    assert password_problem(password) is None


def test_the_shipped_list_has_hundreds_of_passwords_and_long_ones_among_them():
    listed = common_passwords()
    assert len(listed) >= 300
    assert sum(len(p) >= 12 for p in listed) >= 100
    assert all(p == p.casefold() for p in listed)
    assert COMMON_PASSWORDS_FILE.parent.name == "auth"


def test_the_model_refuses_a_weak_password_whoever_sets_it(make_user):
    user = make_user("reader")
    with pytest.raises(WeakPassword):
        user.set_password("12345678")


def test_admin_create_refuses_password_and_12345678_for_an_admin(login_as, db):
    admin = login_as("admin")
    for weak in ("password", "12345678", "passwordpassword"):
        response = admin.post("/admin/users/new", data={"email": "new@example.com", "name": "New", "team": "sales",
                                                       "role": "admin", "password": weak})
        assert response.status_code == 400
        assert db.session.scalar(select(User).where(User.email == "new@example.com")) is None


@pytest.mark.parametrize("command", ["create", "set-password"])
@pytest.mark.parametrize("weak,message", [("password", "at least 12"), ("administrator123", "most common")])
def test_the_command_line_refuses_weak_passwords(runner, make_user, db, command, weak, message):
    user = make_user("reader")
    before = user.password_hash
    if command == "create":
        args = ["users", "create", "weak@example.com", "--name", "W", "--team", "sales", "--role", "admin"]
    else:
        args = ["users", "set-password", user.email]
    result = runner.invoke(args=[*args, "--password", weak])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(User).where(User.email == "weak@example.com")) is None
    db.session.refresh(user)
    assert user.password_hash == before


def test_demo_passwords_pass_the_rules(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    passwords = [line.split("password:")[1].strip() for line in result.output.splitlines() if "password:" in line]
    assert len(passwords) == 8
    assert all(password_problem(password) is None for password in passwords)
