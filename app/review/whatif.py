"""/review/what-if: the draft's scoring applied to the last 90 days of leads, before anyone signs."""
import csv
import io

from flask import Response, request

from app.auth.access import role_required
from app.htmx import page_or_block
from app.leads.forms import SampleForm
from app.leads.importing import ImportFileError, read_events
from app.leads.whatif import LISTED, WINDOW_DAYS, sample_leads, what_if
from app.review import bp
from app.versions.queries import document_of
from app.versions.services import get_current_version, get_open_version

TEMPLATE = "review/what_if.html"
SAMPLE_MAX = 50 * 1024 * 1024


def _compared():
    """(the open version, the current one, the what-if), or Nones when there is nothing to compare."""
    version, current = get_open_version(), get_current_version()
    if version is None or current is None:
        return version, current, None
    return version, current, what_if(document_of(current), document_of(version))


@bp.route("/review/what-if", methods=["GET", "POST"])
@role_required("editor")
def what_if_page():
    """Leads per stage now and under the draft, and the leads that would move (the first 100): the stored
    leads of the last 90 days, or (POST) an uploaded sample, stored nowhere."""
    form, status = SampleForm(), 200
    if request.method == "POST":
        request.max_content_length = SAMPLE_MAX
        version, current, result = _sample(form)
        status = 200 if result is not None or version is None or current is None else 400
    else:
        version, current, result = _compared()
    return page_or_block(TEMPLATE, "what_if", status, version=version, current=current, result=result,
                         listed=LISTED, days=WINDOW_DAYS, form=form, sample=request.method == "POST")


def _sample(form: SampleForm):
    """The what-if of an uploaded sample, or its refusal on the form (result None)."""
    version, current = get_open_version(), get_current_version()
    if version is None or current is None or not form.validate_on_submit():
        return version, current, None
    try:
        events = list(read_events(form.file.data.stream, form.format.data,
                                  timezone=(form.timezone.data or "").strip() or "UTC", document=document_of(current)))
    except ImportFileError as error:
        form.form_errors.append(str(error))
        return version, current, None
    return version, current, what_if(document_of(current), document_of(version), leads=sample_leads(events))


@bp.route("/review/what-if.csv")
@role_required("editor")
def what_if_csv():
    """Every lead that would change stage under the draft, as CSV."""
    _version, _current, result = _compared()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["lead", "source", "stage_now", "stage_under_draft", "score_now", "score_under_draft"])
    for row in result.moved if result else ():
        writer.writerow([row["lead"], row["source"], row["from"] or "", row["to"] or "", row["score_now"],
                         row["score_draft"]])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="what-if.csv"'})
