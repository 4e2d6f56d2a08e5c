"""Semantic version numbers: the one parser (and pattern) of a version number; compare, bump."""
import re

from app.sla.diff import CHANGE_KINDS, heavier  # noqa: F401  (re-exported)

FIRST = "1.0.0"
# Also the JSON Schema's pattern for "version" (ECMA-262 reads it the same way).
VERSION_NUMBER_PATTERN = r"^(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})$"
_PATTERN = re.compile(VERSION_NUMBER_PATTERN, re.ASCII)


def parse(number: str) -> tuple[int, int, int]:
    """'1.2.3' -> (1, 2, 3); ValueError on anything else."""
    match = _PATTERN.fullmatch(number or "")
    if match is None:
        raise ValueError(f"'{number}' is not a version number like 1.2.0.")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def is_version_number(text: str) -> bool:
    """Whether `text` is a well-formed version number."""
    return _PATTERN.fullmatch(text or "") is not None


def bump(previous: str | None, change: str) -> str:
    """The number that follows `previous` for a change of this kind; 1.0.0 when there is none."""
    if change not in CHANGE_KINDS:
        raise ValueError(f"Unknown change kind '{change}'.")
    if previous is None:
        return FIRST
    major, minor, patch = parse(previous)
    if change == "major":
        return f"{major + 1}.0.0"
    if change == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
