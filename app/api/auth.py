"""Who may call the API: a Bearer token, a signed-in session, or anyone when the API is public."""
from flask import Flask, g, request
from flask_login import current_user

from app.api.http import ApiError, is_public
from app.api.tokens import AuthenticatedToken, authenticate_token

REALM = 'Bearer realm="accord"'


def unauthorized(detail: str, error: str | None = None) -> ApiError:
    """A 401 problem with the Bearer challenge (and the OAuth error code, when there is one)."""
    challenge = REALM + (f', error="{error}"' if error else "")
    return ApiError(401, "Unauthorized", detail, headers={"WWW-Authenticate": challenge})


def authenticate_request() -> None:
    """Run before every API view: sets g.api_token (None without one) or relies on the session, else
    raises 401/403."""
    header = request.headers.get("Authorization", "")
    g.api_token = _presented_token(header) if header else None
    # A public API needs no session: the signed-in user is not loaded just to be let in.
    if header or is_public() or current_user.is_authenticated:
        return
    if getattr(current_user, "active", None) is False:
        # Flask-Login treats a deactivated user as signed out; say why instead of asking for credentials.
        raise ApiError(403, "Forbidden", "This account is deactivated.")
    raise unauthorized("This API needs an API token (Authorization: Bearer <token>) or a signed-in session.")


def _presented_token(header: str) -> AuthenticatedToken:
    """The token an Authorization header presents; 401 when it is malformed, unknown or revoked."""
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise unauthorized("Send the token as 'Authorization: Bearer <token>'.", "invalid_request")
    token = authenticate_token(credentials.strip())
    if token is None:
        # A presented credential is always checked, even on a public API: a revoked token fails loudly.
        raise unauthorized("The API token is unknown or has been revoked.", "invalid_token")
    return token


def is_token_request(http_request) -> bool:
    """An API request that presents a Bearer token: the token is its only credential."""
    return (http_request.path.startswith("/api/")
            and http_request.headers.get("Authorization", "")[:7].lower() == "bearer ")


class TokenRequestsSkipSessions:
    """The app's session interface, except that API requests with a Bearer token neither load nor
    save a session (no cookie to verify or sign: the token is the credential)."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def open_session(self, app: Flask, http_request):
        if is_token_request(http_request):
            return self.inner.make_null_session(app)
        return self.inner.open_session(app, http_request)


def skip_sessions_for_tokens(app: Flask) -> None:
    """Wrap whatever session interface the app has (call it after any other change to it)."""
    if not isinstance(app.session_interface, TokenRequestsSkipSessions):
        app.session_interface = TokenRequestsSkipSessions(app.session_interface)
