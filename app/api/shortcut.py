"""The current document for tools, answered before Flask runs when nothing else is needed.

Tools poll GET /api/v1/sla, mostly with If-None-Match. The answer depends only on which version is
current, which this worker already knows (the memo in app.api.documents, trusted for
ACCORD_CURRENT_TTL), and on its bytes, which it usually holds (app.versions.frozen). This WSGI
middleware then answers the 304 or the 200 itself, with the very headers the API view sends,
skipping Flask's request machinery (context, session, hooks), most of the cost of such an answer:
for a request without credentials on a public API, and for an active API token whose use was
already recorded in the last minute (checked in the database each time). Every other request,
and any request it cannot answer from memory, goes to Flask unchanged.
"""
import time

from flask import Flask
from werkzeug.http import http_date, parse_etags

from app.api.documents import current_memo
from app.api.http import VARY, revalidate_cache_control
from app.api.tokens import token_recently_used
from app.extensions import db
from app.security import SECURITY_HEADERS
from app.versions.frozen import cached_bytes

PATH = "/api/v1/sla"


class CurrentDocumentShortcut:
    """WSGI middleware in front of the Flask app (installed by create_app)."""

    def __init__(self, app: Flask):
        self.app = app
        self.wsgi_app = app.wsgi_app
        self._engine = None

    def __call__(self, environ, start_response):
        answer = self._answer(environ)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _answer(self, environ) -> tuple[str, list, bytes] | None:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or environ.get("PATH_INFO") != PATH or environ.get("QUERY_STRING"):
            return None
        authorization = environ.get("HTTP_AUTHORIZATION")
        if authorization is None and not self.app.config.get("ACCORD_PUBLIC_API"):
            return None  # a signed-in session or a 401: Flask decides
        memo = current_memo(self.app)
        current = memo.fresh_current(time.monotonic()) if memo is not None else None
        if current is None:
            return None
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is None and environ.get("HTTP_IF_MODIFIED_SINCE"):
            return None  # rare: Flask's conditional handling decides
        not_modified = if_none_match is not None and parse_etags(if_none_match).contains_weak(current.sha256)
        data = None if not_modified else cached_bytes(current.sha256)
        if not not_modified and data is None:
            return None
        if authorization is not None and not self._token_needs_nothing(authorization):
            return None  # unknown, revoked or malformed (Flask answers 401), or its use is to be recorded
        headers = [("ETag", f'"{current.sha256}"'), ("Cache-Control", revalidate_cache_control(self.app)),
                   ("Vary", VARY), *SECURITY_HEADERS]
        if not_modified:
            return "304 NOT MODIFIED", headers, b""  # like werkzeug's 304: no entity headers
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                   ("Last-Modified", http_date(current.published_at)), *headers]
        return "200 OK", headers, b"" if method == "HEAD" else data

    def _token_needs_nothing(self, authorization: str) -> bool:
        """An active Bearer token whose use was recorded within the minute, checked in the
        database on every request (a revoked token is refused at once)."""
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return False
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        # One read, no transaction to open and roll back: on PostgreSQL two round trips fewer.
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            return token_recently_used(connection, credentials.strip())


def install(app: Flask) -> None:
    app.wsgi_app = CurrentDocumentShortcut(app)
