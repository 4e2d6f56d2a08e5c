"""/review/what-if: the draft's scoring applied to the last 90 days of leads, before anyone signs."""
import csv
import io

from flask import Response

from app.auth.access import role_required
from app.htmx import page_or_block
from app.leads.whatif import LISTED, WINDOW_DAYS, what_if
from app.review import bp
from app.versions.queries import document_of
from app.versions.services import get_current_version, get_open_version

TEMPLATE = "review/what_if.html"


def _compared():
    """(the open version, the current one, the what-if), or Nones when there is nothing to compare."""
    version, current = get_open_version(), get_current_version()
    if version is None or current is None:
        return version, current, None
    return version, current, what_if(document_of(current), document_of(version))


@bp.route("/review/what-if")
@role_required("editor")
def what_if_page():
    """Leads per stage now and under the draft, and the leads that would move (the first 100)."""
    version, current, result = _compared()
    return page_or_block(TEMPLATE, "what_if", version=version, current=current, result=result, listed=LISTED,
                         days=WINDOW_DAYS)


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
