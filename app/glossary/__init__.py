"""The glossary: every term A–Z, search, term pages."""
from flask import Blueprint, has_request_context, request, url_for
from werkzeug.routing import BaseConverter

bp = Blueprint("glossary", __name__)


PLACEHOLDER = "0"
TERM_URL_PREFIX = "accord.term_url_prefix"  # kept in the request's WSGI environ, which ends with it
KEY_CONVERTER = BaseConverter(None)  # how url_for writes a <key> into the path


def term_url(key: str) -> str:
    """The page of the term with this key: url_for's answer, built once per request and then
    completed per key (a glossary page links a few hundred terms)."""
    if not has_request_context():
        return url_for("glossary.term", key=key)
    environ = request.environ
    prefix = environ.get(TERM_URL_PREFIX)
    if prefix is None:
        prefix = environ[TERM_URL_PREFIX] = url_for("glossary.term", key=PLACEHOLDER)[:-len(PLACEHOLDER)]
    return prefix + KEY_CONVERTER.to_url(key)


@bp.app_context_processor
def _glossary_helpers():
    return {"term_url": term_url}


@bp.app_template_filter("linked_markdown")
def _linked_markdown(source, self_key=None):
    """Markdown rendered like the `markdown` filter, with mentions of current terms linked."""
    from app.glossary.services import autolink_definition
    return autolink_definition(source, self_key)


from app.glossary import autogenerate, models, views  # noqa: E402,F401
