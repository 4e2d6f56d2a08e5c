"""HTTP plumbing of the API: problem errors, JSON bytes with ETags, conditional requests, caching."""
import hashlib
from typing import Callable

from flask import Response, current_app, request
from werkzeug.datastructures import Headers
from werkzeug.http import http_date, quote_etag, remove_entity_headers

from app.canonical import canonical_json as dump_json  # noqa: F401  (the name the API views use)
from app.cache import BoundedMemo
from app.errors import API_VARY, problem
from app.security import SECURITY_HEADERS

IMMUTABLE_MAX_AGE = 31_536_000  # a year: a published version's bytes never change
VARY = API_VARY


class ApiError(Exception):
    """An error the API answers as application/problem+json."""

    def __init__(self, status: int, title: str, detail: str = "", headers: dict | None = None, **extra):
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.headers = headers or {}
        self.extra = extra

    def response(self) -> Response:
        response = problem(self.status, self.title, self.detail, **self.extra)
        response.headers.update(self.headers)
        response.headers["Vary"] = VARY
        return response


def not_found(detail: str) -> ApiError:
    return ApiError(404, "Not Found", detail)


def etag_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_public(app=None) -> bool:
    return bool((app or current_app).config.get("ACCORD_PUBLIC_API"))


def immutable_cache_control() -> str:
    """For URLs naming a published version: cached for a year; shared caches only when the API is public."""
    scope = "public" if is_public() else "private"
    return f"{scope}, max-age={IMMUTABLE_MAX_AGE}, immutable"


def revalidate_cache_control(app=None) -> str:
    """For URLs whose answer changes when a version is published: always revalidate (cheap with ETags)."""
    return "no-cache" if is_public(app) else "private, no-cache"


def _not_modified(etag: str, last_modified) -> bool:
    """If-None-Match (weak comparison, lists, *) decides; If-Modified-Since only without it."""
    current = request._get_current_object()  # one context lookup for everything below
    if current.method not in ("GET", "HEAD"):
        return False
    sent = current.environ.get("HTTP_IF_NONE_MATCH")
    if sent is not None:
        # A tool sends back the one ETag it was given: that string is compared before any parsing.
        return sent == f'"{etag}"' or current.if_none_match.contains_weak(etag)
    since = current.if_modified_since
    if since is not None and last_modified is not None:
        return last_modified.replace(microsecond=0) <= since.replace(tzinfo=None)
    return False


def json_response(data: bytes, *, etag: str | None = None, last_modified=None, immutable: bool = False,
                  status: int = 200) -> Response:
    """JSON bytes as they are, with a strong ETag, caching headers and 304 for a matching validator."""
    etag = etag or etag_of(data)
    if status != 200:
        return _with_caching(Response(data, status=status, mimetype="application/json"), etag, last_modified,
                             immutable)
    return document_response(etag, lambda: data, last_modified=last_modified, immutable=immutable)


def document_response(etag: str, load: Callable[[], bytes], *, last_modified=None,
                      immutable: bool = False) -> Response:
    """Bytes known by their ETag beforehand: `load` runs only when the answer is not a 304."""
    full, not_modified = _document_headers(etag, last_modified, immutable)
    if _not_modified(etag, last_modified):
        return _DocumentResponse(status=304, headers=_PrebuiltHeaders(not_modified))
    return _DocumentResponse(load(), headers=_PrebuiltHeaders(full))


class _PrebuiltHeaders(Headers):
    """Headers from a list werkzeug has already checked: copied as they are, not checked again
    one by one on every answer."""

    def __init__(self, checked=None):
        super().__init__()
        if checked is not None:
            self._list = list(checked)


class _DocumentResponse(Response):
    """A document answer with headers from _document_headers: they reach the server as they are,
    not copied and checked once more (Headers checks any header a later hook sets)."""

    default_mimetype = None  # a 304's prebuilt headers leave out Content-Type on purpose

    def get_wsgi_headers(self, environ) -> Headers:
        return _PrebuiltHeaders(self.headers)


# Tools poll the same few documents: their headers are the same each time, so they are built once.
_document_header_lists = BoundedMemo(256)


def _document_headers(etag: str, last_modified, immutable: bool) -> tuple[tuple, tuple]:
    """Every header of a document answer, the security headers included (app.security then finds
    them set), for this ETag and configuration; and those of its 304, without the entity headers."""
    key = (etag, last_modified, immutable, is_public())
    headers = _document_header_lists.peek(key)
    if headers is None:
        checked = Headers((("Content-Type", "application/json"), ("ETag", quote_etag(etag)),
                           *((("Last-Modified", http_date(last_modified)),) if last_modified is not None else ()),
                           ("Cache-Control", immutable_cache_control() if immutable else revalidate_cache_control()),
                           ("Vary", VARY), *SECURITY_HEADERS))
        full = list(checked.items())
        not_modified = list(full)
        remove_entity_headers(not_modified)  # what werkzeug drops from any 304
        headers = (tuple(full), tuple(not_modified))
        _document_header_lists.put(key, headers)
    return headers


def _with_caching(response: Response, etag: str, last_modified, immutable: bool) -> Response:
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = immutable_cache_control() if immutable else revalidate_cache_control()
    response.headers["Vary"] = VARY
    if response.status_code == 304:
        response.headers.pop("Content-Type", None)
        response.headers.pop("Content-Length", None)
    return response
