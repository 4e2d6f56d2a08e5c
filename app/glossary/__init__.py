"""The glossary: every term A–Z, search, term pages."""
from flask import Blueprint, url_for

bp = Blueprint("glossary", __name__)


def term_url(key: str) -> str:
    """The page of the term with this key."""
    return url_for("glossary.term", key=key)


@bp.app_context_processor
def _glossary_helpers():
    return {"term_url": term_url}


@bp.app_template_filter("linked_markdown")
def _linked_markdown(source, self_key=None):
    """Markdown rendered like the `markdown` filter, with mentions of current terms linked."""
    from app.glossary.services import autolink_definition
    return autolink_definition(source, self_key)


from app.glossary import autogenerate, models, views  # noqa: E402,F401
