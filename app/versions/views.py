"""Version pages: every version, one version whole, and the comparison of any two."""
from flask import abort, render_template, request
from flask_babel import gettext as _

from app.auth.access import has_role, role_required
from app.htmx import is_htmx
from app.htmx import page_or_block
from app.sla.diff import compare_documents, value_diff_html
from app.versions import bp
from app.versions.display import field_title
from app.versions.forms import CompareForm
from app.versions.published import compared
from app.versions.queries import OPEN_REF, approvals_by_version, approvals_of, find_version, list_versions
from app.versions.services import document_of, draft_outlook, missing_teams

DIFF_HELPERS = {"value_diff": value_diff_html, "field_label": field_title}


@bp.route("/versions")
@role_required("reader")
def index():
    """Every published version, newest first, and the open one first for editors."""
    versions = list_versions(include_open=has_role("editor"))
    previous = {v.id: v.based_on.number for v in versions if v.based_on is not None and v.based_on.number}
    return render_template("versions/index.html", versions=versions, previous=previous,
                           signatures=approvals_by_version(versions))


@bp.route("/versions/<version>")
@role_required("reader")
def show(version: str):
    """One version whole, with its signatures; the open one (for editors) with its coming number."""
    found = _find_or_abort(version)
    context = {"version": found, "document": document_of(found), "signatures": approvals_of(found),
               "outlook": None, "missing": []}
    if found.is_open:
        context |= {"outlook": draft_outlook(found), "missing": missing_teams(found),
                    "diff_helpers": DIFF_HELPERS}
    return render_template("versions/show.html", **context)


@bp.route("/compare")
@role_required("reader")
def compare():
    """The differences between two versions, section by section and field by field."""
    versions = list_versions(include_open=has_role("editor"))
    form = CompareForm(formdata=request.args or None).set_versions(versions)
    if "from" not in request.args and "to" not in request.args:
        _choose_defaults(form, versions)
    context = {"form": form, "versions": versions, "diff": None, "error": None, "diff_helpers": DIFF_HELPERS}
    if form["from"].data is None and form["to"].data is None:
        return page_or_block("versions/compare.html", "result", **context)  # fewer than two versions
    if not form.validate():
        errors = form["from"].errors + form["to"].errors
        context["error"] = " ".join(dict.fromkeys(str(error) for error in errors))
        # htmx swaps a refused form's answer when it is a 422 (static/js/accord.js)
        status = 422 if is_htmx() else (400 if form.missing() else 404)
        return page_or_block("versions/compare.html", "result", status=status, **context)
    old = find_version(form["from"].data, include_open=True)
    new = find_version(form["to"].data, include_open=True)
    context |= {"old": old, "new": new, "diff": _diff(old, new)}
    return page_or_block("versions/compare.html", "result", **context)


def _diff(old, new) -> dict:
    """Two published versions through the memo shared with the API; the open one is compared afresh."""
    if old.is_frozen and new.is_frozen:
        return compared(old, new)
    return compare_documents(document_of(old), document_of(new))


def _find_or_abort(ref: str):
    """The version a URL names; the open one only for editors."""
    ref = ref.strip()
    if ref == OPEN_REF and not has_role("editor"):
        abort(403, _("Only editors can see the open version before it is published."))
    found = find_version(ref, include_open=True)
    if found is None:
        if ref == OPEN_REF:
            abort(404, _("No version is open right now."))
        abort(404, _("There is no version '%(version)s'.", version=ref[:40]))
    return found


def _choose_defaults(form, versions) -> None:
    """Without parameters: the open version against the current one, else the last two published."""
    published = [v for v in versions if v.number]
    open_versions = [v for v in versions if not v.number]
    if open_versions and published:
        form["from"].data, form["to"].data = published[0].number, OPEN_REF
    elif len(published) >= 2:
        form["from"].data, form["to"].data = published[1].number, published[0].number
