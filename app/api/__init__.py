"""The JSON API for tools, under /api/v1."""
from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Token-authenticated JSON, not forms: CSRF tokens do not apply (a JSON POST needs a CORS preflight).
csrf.exempt(bp)

from app.api import adherence, checks, events, views, score  # noqa: E402,F401
from app.api.auth import authenticate_request  # noqa: E402
from app.api.http import ApiError  # noqa: E402


@bp.before_request
def _authenticate():
    authenticate_request()


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return error.response()
