"""The agreement's pages: home, the printable agreement and its Markdown, acknowledgements.

Reading pages need a signed-in user of any role (the portal is internal); readers only ever
see published versions, the open one is shown to editors and above.
"""
from flask import abort, flash, make_response, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import has_role, role_required
from app.auth.redirects import safe_next
from app.reading import bp
from app.reading.acknowledgements import AcknowledgementError, acknowledge_version, acknowledgement_status
from app.reading.forms import AcknowledgeForm
from app.reading.markdown_export import agreement_markdown
from app.reading.services import agreement_for, current_agreement, last_change
from app.versions.services import get_open_version


@bp.route("/")
@role_required("reader")
def home():
    """The current agreement: version, effective date, signatures, what changed last, sections."""
    agreement = current_agreement()
    return render_template(
        "reading/home.html", agreement=agreement,
        change=last_change(agreement) if agreement else None,
        open_version=get_open_version() if has_role("editor") else None,
        status=acknowledgement_status(current_user))


@bp.route("/print", endpoint="print")
@role_required("reader")
def print_agreement():
    """The whole signed agreement as a printable page (?version= for another published version)."""
    agreement = agreement_for(request.args.get("version"))
    if agreement is None:
        abort(404, _("There is no published version with that number.") if request.args.get("version")
              else _("No version of the agreement has been published yet."))
    return render_template("reading/print.html", agreement=agreement)


@bp.route("/print.md")
@role_required("reader")
def print_markdown():
    """The same agreement as a Markdown download."""
    agreement = agreement_for(request.args.get("version"))
    if agreement is None:
        abort(404, _("There is no published version with that number."))
    response = make_response(agreement_markdown(agreement))
    response.mimetype = "text/markdown"
    response.headers["Content-Type"] = "text/markdown; charset=utf-8"
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"sales-marketing-sla-{agreement.version.number}.md")
    return response


@bp.route("/acknowledgements", methods=["POST"])
@role_required("reader")
def acknowledge():
    """Confirm "I have read version X.Y.Z" (recorded once per person and version)."""
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        abort(400, _("Which version you read was missing: reload the page and try again."))
    try:
        created = acknowledge_version(current_user, form.version.data)[1]
    except AcknowledgementError as error:
        flash(_(str(error)), "error")
    else:
        flash(_("Thank you: you have confirmed reading version %(version)s.", version=form.version.data) if created
              else _("You had already confirmed reading version %(version)s.", version=form.version.data), "success")
    return redirect(safe_next(form.next.data))
