"""Password rules: long enough and not one that attackers try first."""
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


class WeakPassword(ValueError):
    """A password the rules refuse, with the reason as its message."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased (one per line; # starts a comment)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str | None, email: str | None = None) -> str | None:
    """Why `password` is refused, or None when it may be used."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"The password must have at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The password must have at most {MAX_LENGTH} characters."
    folded = password.casefold()
    if folded in common_passwords():
        return "This password is on the list of the most common passwords: choose another."
    if email and folded in {email.casefold(), email.split("@")[0].casefold()}:
        return "The password must not be your email address."
    return None


def check_password_strength(password: str | None, email: str | None = None) -> None:
    """Raise WeakPassword unless `password` may be used."""
    problem = password_problem(password, email)
    if problem:
        raise WeakPassword(problem)
