"""External URLs built from ACCORD_BASE_URL, and the Host check that keeps requests on it.

A request's Host header is chosen by whoever sends it, so links that leave the portal (webhook
payloads, mail, the OpenAPI `servers`) are built from ACCORD_BASE_URL when it is set, and a request
naming another host is answered 400 before anything else runs. Without it (development) links
follow the request, and outside a request they point at http://localhost.
"""
import html
import json
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.wrappers import Response

from app.security import SECURITY_HEADERS

FALLBACK_BASE = "http://localhost"
DEFAULT_PORTS = {"http": 80, "https": 443}
REFUSAL = "This portal answers only on its own address; use the link your administrator gave you."


def base_url_problem(url: str) -> str | None:
    """Why a value cannot be ACCORD_BASE_URL, or None when it can."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return f"ACCORD_BASE_URL is not a valid URL: {url!r}."
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return f"ACCORD_BASE_URL must be an http:// or https:// address with a host name, not {url!r}."
    if parts.username or parts.password or parts.query or parts.fragment:
        return f"ACCORD_BASE_URL takes no credentials, query or fragment: {url!r}."
    return None


def configured_base() -> str:
    """ACCORD_BASE_URL without its trailing slash ('' when unset)."""
    return (current_app.config.get("ACCORD_BASE_URL") or "").rstrip("/")


def base_url() -> str:
    """The portal's root for links that leave it: ACCORD_BASE_URL, else the request's, else localhost."""
    base = configured_base()
    if base:
        return base
    if has_request_context():
        return request.url_root.rstrip("/")
    return FALLBACK_BASE


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for an endpoint, from ACCORD_BASE_URL whenever it is set."""
    base = configured_base()
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return (base or FALLBACK_BASE) + path


@lru_cache(maxsize=8)
def _expected_host(base: str) -> tuple[str, int, int]:
    """The base's host name, its port, and the port a Host header without one stands for."""
    parts = urlsplit(base)
    default = DEFAULT_PORTS.get(parts.scheme, 0)
    return parts.hostname or "", parts.port or default, default


def host_matches(host_header: str, base: str) -> bool:
    """Whether a Host header names the host and port of `base` (default ports may be left out)."""
    expected_name, expected_port, default_port = _expected_host(base)
    try:
        parts = urlsplit("//" + host_header)
        port = parts.port
    except ValueError:
        return False
    if parts.netloc != host_header or parts.username is not None or parts.path:
        return False  # anything beyond host[:port]
    return parts.hostname == expected_name and (port or default_port) == expected_port


def _refusal(environ) -> Response:
    if (environ.get("PATH_INFO") or "").startswith("/api/"):
        body = json.dumps({"type": "about:blank", "title": "Bad Request", "status": 400, "detail": REFUSAL})
        response = Response(body, status=400, mimetype="application/problem+json")
    else:
        page = (f"<!doctype html><html lang=\"en\"><title>Bad Request</title><h1>Bad Request</h1>"
                f"<p>{html.escape(REFUSAL)}</p></html>")
        response = Response(page, status=400, mimetype="text/html")
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    return response


class HostCheck:
    """WSGI middleware: with ACCORD_BASE_URL set, a request for any other host gets 400."""

    def __init__(self, app: Flask):
        self.app = app
        self.wsgi_app = app.wsgi_app

    def __call__(self, environ, start_response):
        base = (self.app.config.get("ACCORD_BASE_URL") or "").rstrip("/")
        if base and not host_matches(environ.get("HTTP_HOST", ""), base):
            return _refusal(environ)(environ, start_response)
        return self.wsgi_app(environ, start_response)


def register_host_check(app: Flask) -> None:
    """Wrap the whole WSGI stack (call it last in create_app, so it runs before any shortcut)."""
    app.wsgi_app = HostCheck(app)
