"""Security headers on every response."""
from flask import Flask, Response, g, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
HSTS = "max-age=63072000; includeSubDomains"


def _signed_in() -> bool:
    """Whether this request's user was loaded and is signed in; never loads the user (nor reads the
    database) just to decide a header."""
    user = g.get("_login_user")
    return bool(user is not None and user.is_authenticated)


def _personal(app: Flask) -> bool:
    """A page, CSV or Markdown download made for a signed-in user: no browser or proxy may keep it.
    The API and static files have caching rules of their own."""
    if request.path.startswith(("/api/", app.static_url_path + "/")):
        return False
    return _signed_in()


def register_security_headers(app: Flask) -> None:
    production = app.config.get("ACCORD_ENV") == "production"

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        if production:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if _personal(app):
            response.headers["Cache-Control"] = "no-store"
        return response
