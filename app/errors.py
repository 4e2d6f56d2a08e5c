"""One error handler that answers problem+json under /api/ and an HTML page elsewhere."""
import json

from flask import Flask, Response, current_app, has_request_context, render_template, request, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app import outage

PROBLEM_TYPE = "about:blank"
API_VARY = "Authorization, Cookie"  # API answers depend on who asks
CSRF_DETAIL = _l("The form's security token is missing or expired. Reload the page and try again.")
UNAVAILABLE_DETAIL = _l("The database cannot be reached at the moment. Please try again shortly.")
# What an error page says in the reader's language when the code that stopped the request gave no
# reason of its own (Werkzeug's words are English; the API keeps them).
PAGE_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood. Reload the page and try again.")),
    401: (_l("Sign-in needed"), _l("Please sign in to see this page.")),
    403: (_l("Not allowed"), _l("Your role does not allow this page.")),
    404: (_l("Not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed here"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone changed this at the same time. Reload the page and try again.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    429: (_l("Too many requests"), _l("Too many requests in a short time. Please wait a moment and try again.")),
    500: (_l("Something went wrong"),
          _l("Something went wrong on our side. It has been logged; please try again.")),
}


def problem(status: int, title: str, detail: str = "", **extra) -> Response:
    """An RFC 9457 application/problem+json response."""
    body = {"type": PROBLEM_TYPE, "title": title, "status": status, "detail": detail}
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    if has_request_context() and wants_problem_json():
        response.headers["Vary"] = API_VARY
    return response


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def _describe(error: HTTPException) -> tuple[int, str, str]:
    """Status, title and detail of the API's answer: English, whoever asks."""
    status = error.code or 500
    title = error.name
    detail = error.description or ""
    if isinstance(error, CSRFError):
        with force_locale("en"):
            title, detail = "Bad Request", str(CSRF_DETAIL)
    return status, title, detail


def _page_text(error: HTTPException, status: int) -> tuple[str, str]:
    """An error page's title and detail in the reader's language: the view's own reason (translated
    where it was given) or the page's general one."""
    title, general = PAGE_TEXT.get(status, (error.name, error.description or ""))
    if isinstance(error, CSRFError):
        detail = CSRF_DETAIL
    elif "description" in vars(error) and status != 500:
        detail = error.description
    else:
        detail = general
    return str(title), str(detail)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        status = error.code or 500
        if wants_problem_json():
            response = problem(*_describe(error))
        else:
            template = f"errors/{status}.html" if status in (403, 404) else "errors/error.html"
            title, detail = _page_text(error, status)
            response = app.make_response(
                (render_template(template, status=status, title=title, detail=detail), status))
        if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        if status == 401 and wants_problem_json():
            response.headers["WWW-Authenticate"] = 'Bearer realm="accord"'
        return response

    for database_error in outage.DATABASE_ERRORS:
        app.register_error_handler(database_error, _database_unavailable)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        from app.extensions import db
        db.session.rollback()
        return _http_error(InternalServerError())


def _database_unavailable(error: Exception) -> Response:
    """503 with Retry-After while the database cannot be reached: one log line per interval, no traceback."""
    from app.extensions import db

    outage.database_unavailable(error)
    try:
        db.session.rollback()
    except outage.DATABASE_ERRORS:
        pass
    if wants_problem_json():
        with force_locale("en"):
            response = problem(503, "Service Unavailable", str(UNAVAILABLE_DETAIL))
    else:  # a page of its own, without context processors: they ask the database who is signed in
        language = _language_without_database()
        with force_locale(language):
            page = current_app.jinja_env.get_template("errors/unavailable.html").render(
                detail=str(UNAVAILABLE_DETAIL), language=language)
        response = Response(page, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _language_without_database() -> str:
    """The page's language from this browser's own choice or what it asks for: the account's choice
    is in the database that cannot be reached."""
    from app.i18n import LANGUAGES, SESSION_KEY

    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["ACCORD_DEFAULT_LOCALE"]
