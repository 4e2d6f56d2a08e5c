"""The glossary: every term A–Z, search, term pages."""
from flask import Blueprint, g, has_request_context, url_for
from werkzeug.routing import BaseConverter

bp = Blueprint("glossary", __name__)


PLACEHOLDER = "0"
KEY_CONVERTER = BaseConverter(None)  # how url_for writes a <key> into the path


def term_url(key: str) -> str:
    """The page of the term with this key: url_for's answer, built once per request and then
    completed per key (a glossary page links a few hundred terms)."""
    if not has_request_context():
        return url_for("glossary.term", key=key)
    prefix = g.get("term_url_prefix")
    if prefix is None:
        prefix = g.term_url_prefix = url_for("glossary.term", key=PLACEHOLDER)[:-len(PLACEHOLDER)]
    return prefix + KEY_CONVERTER.to_url(key)


@bp.teardown_app_request
def _forget_term_url_prefix(_error):
    g.pop("term_url_prefix", None)


@bp.app_context_processor
def _glossary_helpers():
    return {"term_url": term_url}


@bp.app_template_filter("linked_markdown")
def _linked_markdown(source, self_key=None):
    """Markdown rendered like the `markdown` filter, with mentions of current terms linked."""
    from app.glossary.services import autolink_definition
    return autolink_definition(source, self_key)


from app.glossary import autogenerate, models, views  # noqa: E402,F401
