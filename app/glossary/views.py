"""Glossary pages: every term A–Z with search as you type, and one page per term.

Like every reading page they need a signed-in user of any role: the portal is internal.
"""
from flask import abort, render_template, request
from flask_babel import gettext as _

from app.auth.access import role_required
from app.glossary import bp
from app.glossary.history import ever_published, term_history
from app.glossary.services import GlossaryQuery, find_terms, get_term, history_translations, team_choices
from app.htmx import page_or_block


@bp.route("/glossary")
@role_required("reader")
def index():
    """All terms A–Z; ?q= searches names, synonyms and definitions; ?section= and ?team= filter."""
    query = GlossaryQuery.from_args(request.args)
    listing = find_terms(query)
    # The team filter is only in the whole page: an htmx search skips its query.
    return page_or_block("glossary/index.html", "results", query=query, listing=listing,
                         team_choices=team_choices)


@bp.route("/terms/<key>")
@role_required("reader")
def term(key: str):
    """One term: definition, fields, the terms that point at it, and its history."""
    view = get_term(key)
    if view is None:
        history = term_history(key) if ever_published(key) else []
        if not history:
            abort(404, _("There is no term “%(key)s” in the current agreement.", key=key[:64]))
        return render_template("glossary/removed.html", key=key, history=history,
                               translated=history_translations(key, history)), 404
    history = term_history(key)
    return render_template("glossary/term.html", term=view, history=history,
                           translated=history_translations(key, history))
