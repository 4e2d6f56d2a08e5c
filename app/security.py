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


def _personal(path: str, exempt: tuple[str, ...]) -> bool:
    """A page, CSV or Markdown download made for a signed-in user: no browser or proxy may keep it.
    The API and static files have caching rules of their own."""
    return not path.startswith(exempt) and _signed_in()


def register_security_headers(app: Flask) -> None:
    production = app.config.get("ACCORD_ENV") == "production"
    required = SECURITY_HEADERS + ((("Strict-Transport-Security", HSTS),) if production else ())
    # Lower-cased once: each response's header names are read in one pass, not searched per header.
    required_by_name = tuple((name.lower(), name, value) for name, value in required)
    own_caching = ("/api/", app.static_url_path + "/")

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _ in headers}
        missing = [(name, value) for lowered, name, value in required_by_name if lowered not in present]
        if missing:
            headers.extend(missing)
        if _personal(request.path, own_caching):
            headers["Cache-Control"] = "no-store"
        return response
