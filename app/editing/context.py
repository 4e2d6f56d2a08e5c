"""What the editing views share: finding the draft, its sections and entries, and their forms."""
from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from app.editing.forms import EntryForm, entry_form_class, entry_initial_data
from app.editing.queries import find_entry, section_entries
from app.editing.rendering import refusal
from app.htmx import is_htmx
from app.messages import N_
from app.models import VersionState
from app.sla.sections import Section, get_section
from app.versions.services import get_open_version

IN_REVIEW_NOTE = N_("This version is in review: it is shown read-only until it is sent back.")


def load_section(section_key: str) -> tuple[Section, object]:
    """The section (404 when unknown) and the open version (None when there is none)."""
    section = get_section(section_key)
    if section is None:
        abort(404, _("There is no section '%(section)s'.", section=section_key[:40]))
    return section, get_open_version()


def load_entry(section_key: str, key: str):
    """The section, the open version and the entry with this key in it; 404 when any is missing."""
    section, version = load_section(section_key)
    if version is None:
        abort(404, _("There is no open draft."))
    entry = find_entry(version, section.key, key)
    if entry is None:
        message = _("There is no entry '%(key)s' in %(section)s of the draft: it may have just been deleted.",
                    key=key[:64], section=_(section.title))
        # htmx shows the message in the page's message area rather than swapping in an error page.
        if is_htmx():
            abort(refusal(message, 404, section=section))
        abort(404, message)
    return section, version, entry


def is_editable(version) -> bool:
    return version is not None and version.state == VersionState.DRAFT.value


def entry_form(section: Section, version, entry=None, blank: bool = False) -> EntryForm:
    """The entry form: bound to the posted data on POST, else filled from the entry (or blank)."""
    form_class = entry_form_class(section.key)
    prefix = f"e{entry.id}" if entry is not None else "new"
    if request.method == "POST" and not blank:
        return form_class(version=version, entry=entry, id_prefix=prefix)
    data = entry_initial_data(entry) if entry is not None else {"team": current_user.team.slug}
    return form_class(formdata=None, data=data, version=version, entry=entry, id_prefix=prefix)


def section_context(section: Section, version, form=None, notice: str | None = None) -> dict:
    """Everything the section page and its blocks need."""
    editable = is_editable(version)
    if form is None and editable:
        form = entry_form(section, version, blank=True)
    return {"section": section, "version": version, "entries": section_entries(version, section.key),
            "editable": editable, "form": form, "notice": notice,
            "note": None if editable else _(IN_REVIEW_NOTE)}


def attach_error(form, error) -> None:
    """Show a service's refusal next to its field, or at the top of the form."""
    field = getattr(error, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, str(error)]
    else:
        form.form_errors.append(str(error))


def reset_revision(form, revision: int) -> None:
    """Point a form's hidden revision at `revision` (its posted text would otherwise be shown)."""
    form.revision.data = revision
    form.revision.raw_data = None
