"""Where to go after signing in or acting on a page: a path on this site, never elsewhere."""
import unicodedata
from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None, fallback_endpoint: str = "reading.home") -> str:
    """`target` when it is a plain path of this site, else the fallback page.

    Nothing is stripped: browsers drop tabs and newlines and read a backslash as a slash, so
    `/\\t/evil.example` would become `//evil.example`; any whitespace, control or invisible
    character, or backslash refuses the target instead."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for(fallback_endpoint)
    if any(character.isspace() or unicodedata.category(character).startswith("C") for character in target):
        return url_for(fallback_endpoint)
    try:
        parts = urlsplit(target)
    except ValueError:
        return url_for(fallback_endpoint)
    if parts.scheme or parts.netloc:
        return url_for(fallback_endpoint)
    return target
