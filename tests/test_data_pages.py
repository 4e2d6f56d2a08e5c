"""/data: an editor uploads a CRM export, follows its import, and sees what is stored."""
import io
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LeadEvent, LeadImport

GOOD = """source_event_id,lead_external_id,kind,value,channel,occurred_at,lead_type,field:industry
e1,1001,stage_entered,sql,,2026-11-27T17:59:00+07:00,new-prospect-equipment,Dairy
e2,1001,connect_attempt,no-answer,call,2026-11-30T10:00:00+07:00,,
e3,1002,stage_entered,mql,,2026-11-28T09:00:00Z,,
"""
BAD_ROW = GOOD + "e4,1003,stage_entered,sql,,yesterday,,\n"


@pytest.fixture(autouse=True)
def inline(app):
    app.config["LEAD_IMPORTS_IN_BACKGROUND"] = False


def upload(client, text: str, **fields):
    data = {"file": (io.BytesIO(text.encode()), "leads.csv"), "format": "accord", "timezone": "UTC", **fields}
    return client.post("/data", data=data, content_type="multipart/form-data")


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(LeadEvent))


def test_an_upload_is_imported_and_its_page_shows_the_outcome(login_as):
    editor = login_as("editor")
    response = upload(editor, GOOD)
    assert response.status_code == 302 and "/data/imports/" in response.headers["Location"]
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "imported" in page and '<dd class="import-accepted">3</dd>' in page and 'value="100"' in page
    assert "hx-trigger" not in page  # finished: nothing to poll
    assert events() == 3
    assert "<code>import</code>" in editor.get("/data").get_data(as_text=True)


def test_the_same_file_twice_adds_nothing(login_as):
    editor = login_as("editor")
    upload(editor, GOOD)
    upload(editor, GOOD)
    jobs = db.session.scalars(select(LeadImport).order_by(LeadImport.id)).all()
    assert [(j.accepted, j.duplicates) for j in jobs] == [(3, 0), (0, 3)]
    assert events() == 3


def test_a_dry_run_stores_nothing(login_as):
    response = upload(login_as("editor"), GOOD, dry_run="y")
    job = db.session.scalar(select(LeadImport))
    assert (job.dry_run, job.accepted, job.status) == (True, 3, "done")
    assert events() == 0
    assert response.status_code == 302


def test_refused_rows_are_listed_and_downloadable_and_the_rest_stored(login_as):
    editor = login_as("editor")
    location = upload(editor, BAD_ROW).headers["Location"]
    page = editor.get(location).get_data(as_text=True)
    assert "1 row refused" in page and "occurred_at" in page
    csv_text = editor.get(location + "/errors.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "row,column,message" and csv_text.splitlines()[1].startswith("5,occurred_at,")
    assert events() == 3


@pytest.mark.parametrize("fields, message", [({"timezone": "Mars/Base"}, "time zone"),
                                             ({"source": "Hub Spot"}, "source"),
                                             ({"file": (io.BytesIO(b""), "")}, "Choose a CSV file.")])
def test_a_bad_form_is_refused_with_its_reason_and_nothing_is_stored(login_as, fields, message):
    response = upload(login_as("editor"), GOOD, **fields)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert events() == 0 and db.session.scalar(select(LeadImport)) is None


@pytest.mark.parametrize("htmx", [False, True])
def test_a_running_import_polls_its_progress_as_a_fragment(login_as, htmx):
    job = LeadImport(filename="big.csv", format="accord", source="import", status="running", size=1000,
                     done_bytes=250, rows=10)
    db.session.add(job)
    db.session.commit()
    html = login_as("editor").get(f"/data/imports/{job.id}", headers={"HX-Request": "true"} if htmx else {}
                                  ).get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert 'hx-trigger="every 1s"' in html and 'value="25"' in html


def test_readers_do_not_import(login_as):
    assert login_as("reader").get("/data").status_code == 403
    assert upload(login_as("reader"), GOOD).status_code == 403


def test_in_the_background_the_import_finishes_on_its_own(app, login_as):
    app.config["LEAD_IMPORTS_IN_BACKGROUND"] = True
    location = upload(login_as("editor"), GOOD).headers["Location"]
    job_id = int(location.rsplit("/", 1)[1])
    for _ in range(200):  # the thread commits its outcome; wait for it, not for a time
        db.session.expire_all()
        if db.session.get(LeadImport, job_id).status in ("done", "failed"):
            break
        time.sleep(0.05)
    assert db.session.get(LeadImport, job_id).status == "done"
    assert events() == 3
