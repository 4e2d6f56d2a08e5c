"""The current document for anonymous readers of a public API, answered before Flask runs.

Tools poll GET /api/v1/sla, mostly with If-None-Match. When the API is public (ACCORD_PUBLIC_API)
and a request carries no credentials, the answer depends only on which version is current, and
this worker already knows it (the memo in app.api.documents, trusted for ACCORD_CURRENT_TTL) and
usually holds its bytes (app.versions.frozen). This WSGI middleware then answers the 304 or the
200 itself, with the very headers the API view sends, skipping Flask's request machinery (context,
session, hooks), which is most of the cost of such a small answer. Every other request, and any
request it cannot answer from memory, goes to Flask unchanged.
"""
import time

from flask import Flask
from werkzeug.http import http_date, parse_etags

from app.api.documents import current_memo
from app.api.http import VARY, revalidate_cache_control
from app.security import SECURITY_HEADERS
from app.versions.frozen import cached_bytes

PATH = "/api/v1/sla"


class CurrentDocumentShortcut:
    """WSGI middleware in front of the Flask app (installed by create_app)."""

    def __init__(self, app: Flask):
        self.app = app
        self.wsgi_app = app.wsgi_app

    def __call__(self, environ, start_response):
        answer = self._answer(environ)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _answer(self, environ) -> tuple[str, list, bytes] | None:
        method = environ.get("REQUEST_METHOD")
        if (method not in ("GET", "HEAD") or environ.get("PATH_INFO") != PATH or environ.get("QUERY_STRING")
                or "HTTP_AUTHORIZATION" in environ or not self.app.config.get("ACCORD_PUBLIC_API")):
            return None
        memo = current_memo(self.app)
        current = memo.fresh_current(time.monotonic()) if memo is not None else None
        if current is None:
            return None
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is None and environ.get("HTTP_IF_MODIFIED_SINCE"):
            return None  # rare: Flask's conditional handling decides
        headers = [("ETag", f'"{current.sha256}"'), ("Cache-Control", revalidate_cache_control(self.app)),
                   ("Vary", VARY), *SECURITY_HEADERS]
        if if_none_match is not None and parse_etags(if_none_match).contains_weak(current.sha256):
            return "304 NOT MODIFIED", headers, b""  # like werkzeug's 304: no entity headers
        data = cached_bytes(current.sha256)
        if data is None:
            return None
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                   ("Last-Modified", http_date(current.published_at)), *headers]
        return "200 OK", headers, b"" if method == "HEAD" else data


def install(app: Flask) -> None:
    app.wsgi_app = CurrentDocumentShortcut(app)
