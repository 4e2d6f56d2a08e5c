"""The draft's pages: overview, sections, adding entries, live preview and inline checks."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required
from app.auth.forms import EmptyForm
from app.editing import bp, services
from app.editing.context import attach_error, entry_form, is_editable, load_section, section_context
from app.editing.forms import PreviewForm
from app.editing.queries import find_entry, section_counts
from app.editing.rendering import refusal
from app.htmx import block_response, is_htmx, page_or_block
from app.messages import N_
from app.versions.checks import version_checks
from app.versions.services import VersionError, get_open_version, open_draft

NO_DRAFT = N_("There is no open draft: start one on the Draft page.")


@bp.get("/draft")
@role_required("editor")
def draft():
    """The open draft, section by section, with entry counts."""
    version = get_open_version()
    counts = section_counts(version) if version else {}
    return render_template("editing/draft.html", version=version, counts=counts, editable=is_editable(version),
                           checks=version_checks(version) if version else [], form=EmptyForm())


@bp.post("/draft/start")
@role_required("editor")
def start_draft():
    """Open a new draft, copying the current published version."""
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            open_draft(by=current_user)
        except VersionError as error:
            version = get_open_version()
            return render_template("editing/draft.html", version=version, error=str(error), form=form,
                                   counts=section_counts(version) if version else {},
                                   checks=version_checks(version) if version else [],
                                   editable=is_editable(version)), 409
        flash(_("Started a new draft."), "success")
    return redirect(url_for("editing.draft"))


@bp.get("/draft/<section_key>")
@role_required("editor")
def section(section_key: str):
    """One section of the draft: its entries in order and a form to add one."""
    section_, version = load_section(section_key)
    if version is None:
        flash(_(NO_DRAFT), "info")
        return redirect(url_for("editing.draft"))
    return page_or_block("editing/section.html", "section_body", **section_context(section_, version))


@bp.post("/draft/<section_key>")
@role_required("editor")
def add_entry(section_key: str):
    """Add an entry to a section of the draft."""
    section_, version = load_section(section_key)
    if not is_editable(version):
        return refusal(_(NO_DRAFT if version is None else services.IN_REVIEW_MESSAGE), section=section_)
    form = entry_form(section_, version)
    if form.validate_on_submit():
        try:
            entry = services.add_entry(version, section_.key, form.entry_data(), by=current_user)
        except services.EditingError as error:
            attach_error(form, error)
        else:
            notice = _("Added “%(name)s”.", name=entry.name)
            if is_htmx():
                return block_response("editing/section.html", "section_body",
                                      **section_context(section_, version, notice=notice))
            flash(notice, "success")
            return redirect(url_for("editing.section", section_key=section_.key, _anchor=f"entry-{entry.key}"))
    return page_or_block("editing/section.html", "section_body", 422,
                         **section_context(section_, version, form=form))


@bp.post("/draft/check/<section_key>/<field_name>")
@role_required("editor")
def check_field(section_key: str, field_name: str):
    """Check one field of an entry form as the editor leaves it, with the form that checks it all."""
    section_, version = load_section(section_key)
    if version is None:
        return refusal(_(NO_DRAFT), section=section_)
    entry = None
    if request.args.get("entry"):
        entry = find_entry(version, section_.key, request.args["entry"]) or abort(404)
    form = entry_form(section_, version, entry)
    if field_name not in form or field_name in ("revision", "csrf_token"):
        abort(404, _("There is no field '%(field)s' in this form.", field=field_name[:40]))
    form.validate()
    return page_or_block("editing/check.html", "field", form=form, field=form[field_name], section=section_,
                         entry=entry)


@bp.post("/draft/preview")
@role_required("editor")
def preview():
    """A definition's Markdown rendered and sanitised on the server, as the editor types."""
    form = PreviewForm()
    form.validate()
    return page_or_block("editing/preview.html", "preview", form=form)
