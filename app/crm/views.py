"""The drift page: admins upload what a CRM holds now and read what a sync would change."""
from flask import render_template
from flask_babel import gettext as _

from app.auth.access import role_required
from app.crm import bp
from app.crm.forms import HubSpotDriftForm, SalesforceDriftForm
from app.crm.services import current_document, hubspot_drift_of, salesforce_drift_of
from app.sla.drift import DriftInputError

FORMS = {"hubspot": HubSpotDriftForm, "salesforce": SalesforceDriftForm}


def _page(forms: dict | None = None, result=None, status: int = 200):
    forms = {crm: (forms or {}).get(crm) or form(prefix=crm, formdata=None) for crm, form in FORMS.items()}
    return render_template("crm/drift.html", **forms, result=result,
                           published=current_document() is not None), status


def _show_errors(form, error: DriftInputError) -> None:
    """The reason above the form, and each error beside the file it is about (its pointer's first step)."""
    form.form_errors.append(_("What was uploaded cannot be compared: %(detail)s", detail=error.detail))
    fields = {f.short_name: f for f in form}
    for item in error.errors:
        field = fields.get(item["pointer"].split("/")[1]) if item["pointer"].startswith("/") else None
        if field is not None and item["message"]:
            field.errors.append(_("Not as the CRM gives it: %(detail)s", detail=f"{item['pointer']} {item['message']}"))


def _compare(crm: str, compute):
    """Validate the upload, compare it, and show the drift or the errors on the form."""
    form = FORMS[crm](prefix=crm)
    if form.validate_on_submit():
        if current_document() is None:
            form.form_errors.append(_("No version has been published yet: there is nothing to compare with."))
        else:
            try:
                return _page(result=compute({name: upload.read() for name, upload in form.uploads().items()}))
            except DriftInputError as error:
                _show_errors(form, error)
    return _page({crm: form}, status=400)


@bp.route("/drift")
@role_required("admin")
def drift():
    """The two upload forms, and the exports to load into each CRM."""
    return _page()


@bp.route("/drift/hubspot", methods=["POST"])
@role_required("admin")
def drift_hubspot():
    """Compare the uploaded HubSpot responses with the current version's HubSpot bodies."""
    return _compare("hubspot", hubspot_drift_of)


@bp.route("/drift/salesforce", methods=["POST"])
@role_required("admin")
def drift_salesforce():
    """Compare the uploaded StandardValueSet files with the current version's Salesforce package."""
    return _compare("salesforce", salesforce_drift_of)
