"""Template globals and filters (dates and languages: app/i18n.py)."""
from flask import Flask, current_app, g
from flask_babel import gettext
from flask_login import current_user

from app.editing.fields import choice_label
from app.i18n import current_language
from app.markdown import render_markdown
from app.reading.services import team_names
from app.sla.commitments import commitment_sentence as sentence_of
from app.versions.published import current_version_ref, document_for
from app.models.accounts import role_at_least
from app.sla.sections import OPERATOR_WORDS, SECTION_LIST, SECTIONS
from app.versions.language import register_template_helpers as register_language_helpers


def commitment_sentence(entry: dict) -> str:
    """A commitment as one sentence in the reader's language; names as the current version has them."""
    if "accord_team_names" not in g:
        g.accord_team_names = team_names()
    ref = current_version_ref()
    return sentence_of(entry, document_for(ref).data if ref else {}, current_language(),
                       g.accord_team_names).translated(gettext)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["OPERATOR_WORDS"] = OPERATOR_WORDS  # read by the _entry.html macros
    app.jinja_env.globals["choice_label"] = choice_label
    app.jinja_env.globals["commitment_sentence"] = commitment_sentence
    register_language_helpers(app)  # entries in the reader's language (app/versions/language.py)

    @app.context_processor
    def _globals():
        def can(minimum: str) -> bool:
            return current_user.is_authenticated and role_at_least(current_user.role, minimum)
        def has_endpoint(endpoint: str) -> bool:
            return endpoint in current_app.view_functions
        return {"can": can, "has_endpoint": has_endpoint, "SECTION_LIST": SECTION_LIST, "SECTIONS": SECTIONS}
