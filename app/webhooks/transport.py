"""Signing and sending one delivery: the only code that talks to a receiver.

Every connection goes through app.webhooks.addresses, which resolves the receiver's name once,
checks every address it gives and connects to a checked one. Failures are described in a few
fixed words: what a receiver (or whatever else listens there) wrote back is never kept.
"""
import hashlib
import hmac
import http.client
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http import HTTPStatus

from app.webhooks import addresses

USER_AGENT = "Accord-Webhooks/1"


@dataclass(frozen=True)
class Outgoing:
    """What one send needs, read before the transaction ends so no row stays locked during HTTP."""
    id: int
    delivery_id: str
    event: str
    url: str
    secret: str
    payload: bytes


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    """X-Accord-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>, so a replay shows its age."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def body_signature(secret: str, body: bytes) -> str:
    """Deprecated X-Accord-Signature-256: sha256=<hex HMAC-SHA256 of the body alone> (replayable)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer other than 2xx: logged and retried, never followed


def _checked_connection(base: type, allow_private: bool) -> type:
    """An http.client connection class that connects only to addresses the rules allow."""
    class CheckedConnection(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = lambda address, timeout, source=None: addresses.connect(
                address, timeout, source, allow_private=allow_private)

    return CheckedConnection


def _opener(allow_private: bool) -> urllib.request.OpenerDirector:
    http_connection = _checked_connection(http.client.HTTPConnection, allow_private)
    https_connection = _checked_connection(http.client.HTTPSConnection, allow_private)

    class CheckedHTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(http_connection, req)

    class CheckedHTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(https_connection, req, context=self._context)

    # No proxy: the checked address must be the one connected to.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects, CheckedHTTP, CheckedHTTPS)


_openers = {allow: _opener(allow) for allow in (False, True)}


def describe_failure(error: BaseException) -> str:
    """A generic account of a send that got no HTTP answer: never what (if anything) answered."""
    reason = getattr(error, "reason", None)
    cause = reason if isinstance(reason, BaseException) else error
    if isinstance(cause, addresses.ForbiddenAddress):
        return "Not sent: " + addresses.FORBIDDEN
    if isinstance(cause, TimeoutError) or "timed out" in str(cause):
        return "No answer: timed out."
    if isinstance(cause, ConnectionRefusedError):
        return "No answer: connection refused."
    if isinstance(cause, OSError) and type(cause).__name__ == "gaierror":
        return "No answer: the host name did not resolve."
    if isinstance(cause, ssl.SSLError):
        return "No answer: the TLS handshake or certificate check failed."
    if isinstance(cause, http.client.HTTPException):
        return "No answer: the reply was not valid HTTP."
    return "No answer: the connection failed."


def post(outgoing: Outgoing, timeout: float, allow_private: bool = False) -> tuple[int | None, str | None]:
    """POST the signed payload; the status code (None when no answer) and a generic error text."""
    request = urllib.request.Request(outgoing.url, data=outgoing.payload, method="POST", headers={
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Accord-Event": outgoing.event,
        "X-Accord-Delivery": outgoing.delivery_id,
        "X-Accord-Signature": signature_header(outgoing.secret, outgoing.payload, int(time.time())),
        "X-Accord-Signature-256": body_signature(outgoing.secret, outgoing.payload),
    })
    try:
        with _openers[allow_private].open(request, timeout=timeout) as response:
            response.read(65_536)
            return response.status, None
    except urllib.error.HTTPError as error:
        error.close()
        try:  # the standard phrase, not the receiver's: its words are not ours to store or show
            return error.code, f"HTTP {error.code} {HTTPStatus(error.code).phrase}"
        except ValueError:
            return error.code, f"HTTP {error.code}"
    except Exception as error:  # no answer: every kind is an attempt, logged and retried
        return None, describe_failure(error)
