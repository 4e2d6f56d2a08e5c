"""Password rules: long enough and not one that attackers try first."""
from functools import cache
from pathlib import Path

from app.messages import N_

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


def broken_rule(password: str | None, email: str | None = None) -> tuple[str, dict] | None:
    """The rule `password` breaks, as a message and its values (a form translates them), or None."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return N_("The password must have at least %(count)s characters."), {"count": MIN_LENGTH}
    if len(password) > MAX_LENGTH:
        return N_("The password must have at most %(count)s characters."), {"count": MAX_LENGTH}
    folded = password.casefold()
    if folded in common_passwords():
        return N_("This password is on the list of the most common passwords: choose another."), {}
    if email and folded in {email.casefold(), email.split("@")[0].casefold()}:
        return N_("The password must not be your email address."), {}
    return None


def password_problem(password: str | None, email: str | None = None) -> str | None:
    """Why `password` is refused, in English (the command line's language), or None when it may be used."""
    broken = broken_rule(password, email)
    return broken[0] % broken[1] if broken else None


def check_password_strength(password: str | None, email: str | None = None) -> None:
    """Raise WeakPassword unless `password` may be used."""
    problem = password_problem(password, email)
    if problem:
        raise WeakPassword(problem)
