"""One error handler that answers problem+json under /api/ and an HTML page elsewhere."""
import json

from flask import Flask, Response, current_app, has_request_context, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app import outage

PROBLEM_TYPE = "about:blank"
API_VARY = "Authorization, Cookie"  # API answers depend on who asks


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
    status = error.code or 500
    title = error.name
    detail = error.description or ""
    if isinstance(error, CSRFError):
        title, detail = "Bad Request", "The form's security token is missing or expired. Reload the page and try again."
    return status, title, detail


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        status, title, detail = _describe(error)
        if wants_problem_json():
            response = problem(status, title, detail)
        else:
            template = f"errors/{status}.html" if status in (403, 404) else "errors/error.html"
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
    detail = "The database cannot be reached at the moment. Please try again shortly."
    if wants_problem_json():
        response = problem(503, "Service Unavailable", detail)
    else:  # a page of its own, without context processors: they ask the database who is signed in
        page = current_app.jinja_env.get_template("errors/unavailable.html").render(detail=detail)
        response = Response(page, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
