"""/data: lead data — upload a CRM export, follow its import, see what is stored."""
import csv
import io

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required
from app.extensions import db
from app.htmx import page_or_block
from app.leads import bp
from app.leads.forms import UploadForm
from app.leads.importing import ImportFileError
from app.leads.uploads import UPLOAD_MAX, data_counts, recent_imports, start_import
from app.models import LeadImport


def _page(form: UploadForm, status: int = 200):
    return render_template("data/index.html", form=form, counts=data_counts(), imports=recent_imports()), status


@bp.route("/data", methods=["GET", "POST"])
@role_required("editor")
def index():
    """Lead data by source, recent imports, and the upload form."""
    request.max_content_length = UPLOAD_MAX
    form = UploadForm()
    if form.validate_on_submit():
        try:
            job = start_import(form.file.data, form.format.data, (form.source.data or "").strip() or None,
                               (form.timezone.data or "").strip() or "UTC", form.dry_run.data, by=current_user)
        except ImportFileError as error:
            form.form_errors.append(str(error))
        else:
            return redirect(url_for("data.show_import", import_id=job.id))
    return _page(form, 400 if request.method == "POST" else 200)


@bp.route("/data/imports/<int:import_id>")
@role_required("editor")
def show_import(import_id: int):
    """One import: a progress bar that follows it (htmx polls the block while it runs), then its outcome."""
    job = db.session.get(LeadImport, import_id) or abort(404, _("No such import."))
    return page_or_block("data/import.html", "progress", job=job)


@bp.route("/data/imports/<int:import_id>/errors.csv")
@role_required("editor")
def import_errors(import_id: int):
    """The rows an import refused, with the column and the reason."""
    job = db.session.get(LeadImport, import_id) or abort(404, _("No such import."))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "column", "message"])
    for error in job.errors or ():
        writer.writerow([error.get("row"), error.get("column") or "", error.get("message")])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="import-{job.id}-errors.csv"'})
