"""Admin view: per team, who has and who has not acknowledged the current version, as a page or CSV."""
import csv
import io

from flask import Response, render_template, request

from app.admin import bp
from app.auth.access import role_required
from app.reading.acknowledgements import acknowledgement_report

# Headers and yes/no stay English whatever the admin's language: the file is data for tools and scripts.
CSV_COLUMNS = ("team", "name", "email", "role", "acknowledged_current", "up_to_date",
               "last_acknowledged_version", "last_acknowledged_at")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@bp.route("/acknowledgements")
@role_required("admin")
def acknowledgements():
    """Who has acknowledged the current version, team by team (?format=csv for a spreadsheet)."""
    if request.args.get("format") == "csv":
        return acknowledgements_csv()
    current, groups = acknowledgement_report()
    return render_template("admin/acknowledgements.html", current=current, groups=groups)


@bp.route("/acknowledgements.csv")
@role_required("admin")
def acknowledgements_csv():
    """The same report as CSV, one row per active user."""
    current, groups = acknowledgement_report()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for team, rows in groups.items():
        for row in rows:
            writer.writerow([_cell(value) for value in (
                team, row.user.name, row.user.email, row.user.role,
                "yes" if row.acknowledged_current else "no", "yes" if row.up_to_date else "no",
                row.last.number if row.last else "",
                row.last_at.strftime("%Y-%m-%d %H:%M:%S") if row.last_at else "")])
    name = f"acknowledgements-{current.number}.csv" if current else "acknowledgements.csv"
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
