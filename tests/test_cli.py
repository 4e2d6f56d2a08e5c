"""flask users create, users set-password and flask demo: success and each refusal."""
import pytest
from sqlalchemy import select

from app.models import User


def create(runner, *args, input=None):
    return runner.invoke(args=["users", "create", *args], input=input)


def test_users_create_with_password(runner, db):
    result = create(runner, "Ann@Example.com", "--name", "Ann", "--team", "sales", "--role", "editor",
                    "--password", "long-enough-pw")
    assert result.exit_code == 0, result.output
    assert "Created ann@example.com (editor, sales)" in result.output
    user = db.session.scalar(select(User).where(User.email == "ann@example.com"))
    assert user.check_password("long-enough-pw")


def test_users_create_prompts_for_the_password(runner, db):
    result = create(runner, "bob@example.com", "--name", "Bob", "--team", "marketing", "--role", "reader",
                    input="prompted-password\nprompted-password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "bob@example.com"))
    assert user.check_password("prompted-password")


@pytest.mark.parametrize("args,message", [
    (["--team", "legal", "--role", "reader"], "Unknown team 'legal'"),
    (["--team", "sales", "--role", "overlord"], "Invalid value for '--role'"),
    (["--team", "sales", "--role", "reader", "--name", "x" * 101], "1 to 100 characters"),
])
def test_users_create_refusals_create_nobody(runner, db, args, message):
    base = ["carl@example.com", "--password", "long-enough-pw"]
    if "--name" not in args:
        base += ["--name", "Carl"]
    result = create(runner, *base, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(User).where(User.email == "carl@example.com")) is None


def test_users_create_refuses_a_duplicate_email(runner, make_user):
    user = make_user("reader")
    result = create(runner, user.email, "--name", "Dup", "--team", "sales", "--role", "reader",
                    "--password", "long-enough-pw")
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_users_create_refuses_a_malformed_email(runner):
    result = create(runner, "not-an-email", "--name", "X", "--team", "sales", "--role", "reader",
                    "--password", "long-enough-pw")
    assert result.exit_code != 0
    assert "not a valid email" in result.output


def test_users_set_password_with_the_option(runner, make_user, db):
    user = make_user("admin")
    user.must_change_password = True
    db.session.commit()
    generation = user.session_generation
    result = runner.invoke(args=["users", "set-password", user.email.upper(), "--password", "a new long password"])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.check_password("a new long password")
    assert not user.must_change_password and user.session_generation > generation


def test_users_set_password_prompts_twice(runner, make_user, db):
    user = make_user("reader")
    result = runner.invoke(args=["users", "set-password", user.email],
                           input="prompted long password\nprompted long password\n")
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.check_password("prompted long password")


def test_users_set_password_for_an_unknown_email_fails(runner):
    result = runner.invoke(args=["users", "set-password", "nobody@example.com", "--password", "a new long password"])
    assert result.exit_code != 0
    assert "No user has the email" in result.output


def test_demo_creates_a_user_of_each_role_in_both_teams_and_prints_passwords(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    users = db.session.scalars(select(User)).all()
    pairs = {(u.team.slug, u.role) for u in users}
    for team in ("marketing", "sales"):
        for role in ("reader", "editor", "approver", "admin"):
            assert (team, role) in pairs
    line = next(line for line in result.output.splitlines() if "sales-approver@" in line)
    password = line.split("password:")[1].strip()
    approver = next(u for u in users if u.email.startswith("sales-approver@"))
    assert approver.check_password(password)


def test_demo_refuses_a_database_with_data_unless_forced(runner, make_user):
    make_user("admin")
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code != 0
    assert "already has data" in refused.output
    forced = runner.invoke(args=["demo", "--force"])
    assert forced.exit_code == 0, forced.output


def test_demo_if_empty_skips_a_database_with_data(runner, make_user, db):
    make_user("admin")
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded again" in result.output
    assert db.session.query(User).count() == 1
