"""One entry of the draft: shown, edited in place, deprecated, moved and deleted."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required
from app.auth.forms import EmptyForm
from app.editing import bp, services
from app.editing.conflicts import conflict_rows
from app.editing.context import (
    attach_error, entry_form, is_editable, load_entry, reset_revision, section_context,
)
from app.editing.forms import DeprecateForm, MoveForm
from app.editing.queries import referencing_entries
from app.editing.rendering import refusal
from app.htmx import block_response, is_htmx, page_or_block
from app.sla.document import entry_to_dict


def _load_editable_entry(section_key: str, key: str):
    """The section, the draft and its entry; the refusal instead while the version is in review."""
    section, version, entry_ = load_entry(section_key, key)
    if not is_editable(version):
        abort(refusal(_(services.IN_REVIEW_MESSAGE), section=section))
    return section, version, entry_


def _refused(form, error) -> int:
    """A service's refusal shown on the form; 409 when the draft's state refused, 422 for a field."""
    attach_error(form, error)
    return 409 if error.field is None else 422


def _entry_saved(section, version, entry, notice: str):
    """After a save: the entry in place of its form (htmx), or back to the section."""
    if is_htmx():
        return block_response("editing/entry.html", "entry", section=section, version=version, entry=entry,
                              editable=True, focus=True)
    flash(notice, "success")
    return redirect(url_for("editing.section", section_key=section.key, _anchor=f"entry-{entry.key}"))


def _list_changed(section, version, entry_key: str | None, notice: str):
    """After a move or delete: the section's list (htmx), or back to the section."""
    if is_htmx():
        return block_response("editing/section.html", "entry_list",
                              **section_context(section, version, notice=notice))
    flash(notice, "success")
    anchor = f"entry-{entry_key}" if entry_key else None
    return redirect(url_for("editing.section", section_key=section.key, _anchor=anchor))


@bp.get("/draft/<section_key>/<key>")
@role_required("editor")
def entry(section_key: str, key: str):
    """One entry of the draft as it reads (htmx swaps it back in place of its form)."""
    section, version, entry_ = load_entry(section_key, key)
    return page_or_block("editing/entry.html", "entry", section=section, version=version, entry=entry_,
                         editable=is_editable(version), focus=is_htmx(), plain=not is_htmx())


@bp.route("/draft/<section_key>/<key>/edit", methods=["GET", "POST"])
@role_required("editor")
def edit_entry(section_key: str, key: str):
    """Edit an entry; a save made from a stale copy gets the conflict view instead."""
    section, version, entry_ = _load_editable_entry(section_key, key)
    form = entry_form(section, version, entry_)
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            services.update_entry(entry_, form.entry_data(), form.revision.data, by=current_user)
        except services.StaleEntryError as conflict:
            current = conflict.current
            return page_or_block("editing/conflict.html", "conflict", 409, section=section, version=version,
                                 entry=current, form=form, plain=not is_htmx(),
                                 rows=conflict_rows(section, form.entry_data(), entry_to_dict(current)))
        except services.EditingError as error:
            status = _refused(form, error)
        else:
            return _entry_saved(section, version, entry_, _("Saved “%(name)s”.", name=entry_.name))
    return page_or_block("editing/edit.html", "entry_form", status, section=section, version=version,
                         entry=entry_, form=form, plain=not is_htmx())


@bp.route("/draft/<section_key>/<key>/deprecate", methods=["GET", "POST"])
@role_required("editor")
def deprecate_entry(section_key: str, key: str):
    """Deprecate an entry, naming the entry that supersedes it."""
    section, version, entry_ = _load_editable_entry(section_key, key)
    data = None if request.method == "POST" else {"revision": entry_.revision, "successor": ""}
    form = DeprecateForm(data=data, version=version, entry=entry_)
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            services.deprecate_entry(entry_, form.successor.data or None, form.revision.data, by=current_user)
        except services.StaleEntryError as conflict:
            form.form_errors.append(_("%(problem)s Check the entry below and confirm again.", problem=conflict))
            reset_revision(form, conflict.current.revision)
            entry_, status = conflict.current, 409
        except services.EditingError as error:
            status = _refused(form, error)
        else:
            return _entry_saved(section, version, entry_, _("Deprecated “%(name)s”.", name=entry_.name))
    return page_or_block("editing/deprecate.html", "deprecate_form", status, section=section, version=version,
                         entry=entry_, form=form, plain=not is_htmx())


@bp.route("/draft/<section_key>/<key>/delete", methods=["GET", "POST"])
@role_required("editor")
def delete_entry(section_key: str, key: str):
    """Confirm, then delete an entry; the entries that refer to it are named first."""
    section, version, entry_ = _load_editable_entry(section_key, key)
    form = EmptyForm()
    if form.validate_on_submit():
        name = entry_.name
        try:
            cleaned = services.delete_entry(entry_, by=current_user)
        except services.EditingError as error:
            return refusal(str(error), section=section)
        notice = (_("Deleted “%(name)s”. Removed the references from %(keys)s.", name=name,
                    keys=", ".join(cleaned)) if cleaned else _("Deleted “%(name)s”.", name=name))
        return _list_changed(section, version, None, notice)
    return page_or_block("editing/delete.html", "confirm_delete", section=section, version=version,
                         entry=entry_, form=form, plain=not is_htmx(),
                         referrers=referencing_entries(version.id, entry_.key))


@bp.post("/draft/<section_key>/<key>/move")
@role_required("editor")
def move_entry(section_key: str, key: str):
    """Move an entry of an ordered section one place up or down."""
    section, version, entry_ = _load_editable_entry(section_key, key)
    form = MoveForm()
    if not form.validate_on_submit():
        return refusal(_("Choose to move the entry up or down."), 422, section=section)
    try:
        services.move_entry(entry_, form.direction.data, by=current_user)
    except services.EditingError as error:
        return refusal(str(error), section=section)
    moved = (_("Moved “%(name)s” up.", name=entry_.name) if form.direction.data == "up"
             else _("Moved “%(name)s” down.", name=entry_.name))
    return _list_changed(section, version, key, moved)
