"""flask leads import: CSV files of lead events in our format, a HubSpot contacts export and a Salesforce lead
report, streamed in batches that commit on their own, idempotent, with per-row errors."""
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.leads import importing
from app.leads.importing import ERRORS_KEPT, ImportFileError, import_csv
from app.models import Lead, LeadEvent

FIXTURES = Path(__file__).parent / "fixtures" / "leads"
ACCORD_HEADER = "source_event_id,lead_external_id,kind,value,channel,outcome,occurred_at,lead_type,owner,field:industry\n"
# A document of the SLA in force: HubSpot's SQL stage and Salesforce's status named as this SLA names them.
DOCUMENT = {"sections": {
    "lifecycle_stages": [{"key": "hand-raiser", "name": "Hand-raiser", "crm_value": "salesqualifiedlead"},
                         {"key": "nurture", "name": "Marketing Qualified Lead", "crm_value": None}],
    "lead_statuses": [{"key": "attempting", "name": "Attempting to connect", "crm_value": "ATTEMPTED_TO_CONTACT"}],
}}


def counts(source: str) -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Lead).where(Lead.source == source)),
            db.session.scalar(select(func.count()).select_from(LeadEvent).where(LeadEvent.source == source)))


def stored(source: str) -> dict[str, tuple]:
    """The source's events by id: (lead, kind, value, channel, outcome, occurred_at as ISO)."""
    rows = db.session.execute(select(LeadEvent, Lead.external_id).join(Lead).where(LeadEvent.source == source))
    return {e.source_event_id: (lead, e.kind, e.value, e.channel, e.outcome, e.occurred_at.isoformat())
            for e, lead in rows}


def run(text: str, fmt: str = "accord", **options):
    return import_csv(io.BytesIO(text.encode()), fmt, **options)


@pytest.mark.parametrize("fmt, source, rows, events, kinds", [
    ("accord", "import", 8, 8, {"stage_entered": 3, "status_changed": 1, "connect_attempt": 2, "engagement": 1,
                                "deal_stage_entered": 1}),
    ("hubspot-contacts", "hubspot", 3, 9, {"stage_entered": 9}),
    ("salesforce-leads", "salesforce", 3, 3, {"status_changed": 3}),
])
def test_each_format_imports_its_fixture_and_a_second_import_changes_nothing(app, runner, fmt, source, rows, events,
                                                                              kinds):
    path = str(FIXTURES / f"{fmt}.csv")
    first = runner.invoke(args=["leads", "import", path, "--format", fmt])
    assert first.exit_code == 0, first.output
    assert f"{rows} rows read." in first.output
    assert f"Events: {events} stored, 0 already stored, 0 rejected (0 rows with errors)." in first.output
    assert "Batch 1: " in first.output  # not a terminal: a line per batch
    assert "By kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + "." in first.output
    before = stored(source)
    assert len(before) == events
    again = runner.invoke(args=["leads", "import", path, "--format", fmt])
    assert again.exit_code == 0, again.output
    assert f"Events: 0 stored, {events} already stored, 0 rejected" in again.output
    assert stored(source) == before


def test_accord_rows_become_events_with_their_lead_details_in_utc(app):
    with (FIXTURES / "accord.csv").open("rb") as stream:
        report = import_csv(stream, "accord", "crm")
    assert (report.accepted, report.rejected, report.errors) == (8, 0, [])
    events = stored("crm")
    assert events["e1"] == ("1001", "stage_entered", "mql", None, None, "2026-11-02T08:15:00")
    assert events["e4"] == ("1001", "connect_attempt", "no-answer", "call", "no-answer", "2026-11-03T10:30:00")
    assert events["e6"] == ("1001", "engagement", "pricing_page_visit", None, None, "2026-11-01T16:20:00")
    assert events["e8"][1:3] == ("deal_stage_entered", "discovery-meeting-booked")
    lead = db.session.scalar(select(Lead).where(Lead.source == "crm", Lead.external_id == "1001"))
    assert (lead.lead_type, lead.owner, lead.fields) == (  # the later rows' empty cells change nothing
        "new-prospect-equipment", "anna.berg@example.com", {"industry": "Dairy", "employees": "250", "country": "DE"})


@pytest.mark.parametrize("document, sql_key, mql_key", [
    (None, "sql", "mql"),  # no SLA in force: HubSpot's stages by their usual keys
    (DOCUMENT, "hand-raiser", "nurture"),  # the SLA's stages, by crm_value, else by name
])
def test_hubspot_stage_dates_become_the_slas_stages_in_the_portals_time_zone(app, document, sql_key, mql_key):
    with (FIXTURES / "hubspot-contacts.csv").open("rb") as stream:
        report = import_csv(stream, "hubspot-contacts", timezone="Europe/Berlin", document=document)
    assert (report.rows, report.accepted, report.rejected) == (3, 9, 0)
    events = stored("hubspot")
    assert events["contact-51-became-salesqualifiedlead"] == ("51", "stage_entered", sql_key, None, None,
                                                              "2026-10-06T07:03:00")  # CEST: UTC+2
    assert events["contact-52-became-marketingqualifiedlead"] == ("52", "stage_entered", mql_key, None, None,
                                                                  "2026-11-03T13:05:00")  # CET: UTC+1
    assert sorted(k for k in events if k.startswith("contact-52-")) == [
        "contact-52-became-lead", "contact-52-became-marketingqualifiedlead", "contact-52-became-subscriber"]
    lead = db.session.scalar(select(Lead).where(Lead.source == "hubspot", Lead.external_id == "51"))
    assert lead.owner == "anna.berg@example.com"
    assert lead.fields == {"industry": "Dairy", "employees": "250", "job_title": "Plant Manager", "country": "Germany"}


def test_salesforce_statuses_map_to_the_slas_statuses_and_the_footer_is_skipped(app):
    with (FIXTURES / "salesforce-leads.csv").open("rb") as stream:
        report = import_csv(stream, "salesforce-leads", "sfdc", document=DOCUMENT)
    assert (report.rows, report.accepted, report.rejected) == (3, 3, 0)
    events = stored("sfdc")
    assert events["lead-00Q5g00000AbCdGAA1-status-attempting-to-connect"] == (
        "00Q5g00000AbCdGAA1", "status_changed", "attempting", None, None, "2026-11-05T16:45:00")
    assert events["lead-00Q5g00000AbCdEAA1-status-open-not-contacted"][2] == "open-not-contacted"  # unknown: slug
    lead = db.session.scalar(select(Lead).where(Lead.external_id == "00Q5g00000AbCdGAA1"))
    assert (lead.owner, lead.fields["industry"], lead.fields["employees"]) == (
        "jonas.weber@example.com", "Pharmaceuticals", "1200")


def test_a_changed_salesforce_status_in_a_later_export_is_a_new_event(app):
    header = '"Lead ID","Lead Status","Created Date","Last Modified Date"\n'
    run(header + '"00Q1","Open - Not Contacted","11/3/2026 2:05 PM",""\n', "salesforce-leads")
    later = run(header + '"00Q1","Working - Contacted","11/3/2026 2:05 PM","11/6/2026 9:00 AM"\n', "salesforce-leads")
    assert later.accepted == 1
    assert sorted((v[2], v[5]) for v in stored("salesforce").values()) == [
        ("open-not-contacted", "2026-11-03T14:05:00"), ("working-contacted", "2026-11-06T09:00:00")]


def test_bad_rows_are_reported_by_row_and_column_and_the_good_ones_stored(app, runner, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(ACCORD_HEADER
                    + "ok1,L1,stage_entered,sql,,,2026-11-03T10:00:00+01:00,,,Dairy\n"
                    + "bad-time,L1,stage_entered,sql,,,2026-11-03 10:00,,,\n"  # row 3: no offset
                    + "bad-kind,L1,called,,,,2026-11-03T10:00:00Z,,,\n"
                    + ",L1,stage_entered,sql,,,2026-11-03T10:00:00Z,,,\n"  # row 5: no id
                    + "bad-channel,L2,connect_attempt,,fax,no-answer,2026-11-03T10:00:00Z,,,\n"
                    + "no-stage,L2,stage_entered,,,,2026-11-03T10:00:00Z,,,\n"
                    + "extra,L2,engagement,webinar_attended,,,2026-11-03T10:00:00Z,,,,surplus\n"
                    + "ok2,L2,engagement,webinar_attended,,,2026-11-03T11:00:00Z,,,\n")
    result = runner.invoke(args=["leads", "import", str(path), "--format", "accord", "--source", "crm"])
    assert result.exit_code == 1, result.output
    assert "Events: 2 stored, 0 already stored, 6 rejected (6 rows with errors)." in result.output
    assert "row 3, column 'occurred_at': '2026-11-03 10:00' is not an ISO 8601 date-time" in result.output
    assert "row 5, column 'source_event_id': is empty" in result.output
    assert sorted(stored("crm")) == ["ok1", "ok2"]
    with path.open("rb") as stream:
        report = import_csv(stream, "accord", "crm", dry_run=True)
    assert sorted((e["row"], e["column"]) for e in report.errors) == [
        (3, "occurred_at"), (4, "kind"), (5, "source_event_id"), (6, "channel"), (7, "value"), (8, None)]


def test_a_dry_run_reports_what_would_be_imported_and_stores_nothing(app, runner):
    path = str(FIXTURES / "accord.csv")
    result = runner.invoke(args=["leads", "import", path, "--format", "accord", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "8 rows read (a dry run: nothing was stored)." in result.output
    assert "Events: 8 would be stored, 0 already stored, 0 rejected" in result.output
    assert "connect_attempt 2" in result.output
    assert counts("import") == (0, 0)
    runner.invoke(args=["leads", "import", path, "--format", "accord"])
    again = runner.invoke(args=["leads", "import", path, "--format", "accord", "--dry-run"])
    assert "Events: 0 would be stored, 8 already stored" in again.output


def test_the_errors_kept_are_capped_but_all_are_counted(app):
    report = run(ACCORD_HEADER + ",L1,engagement,x,,,2026-11-03T10:00:00Z,,,\n" * (ERRORS_KEPT + 5), dry_run=True)
    assert (len(report.errors), report.error_count, report.rows_rejected) == (ERRORS_KEPT, ERRORS_KEPT + 5,
                                                                             ERRORS_KEPT + 5)


def accord_rows(count: int) -> str:
    return ACCORD_HEADER + "".join(f"e{n},L{n % 50},engagement,page_view,,,2026-11-03T10:00:00Z,,,\n"
                                   for n in range(count))


def test_each_batch_commits_on_its_own(app, monkeypatch):
    calls = []
    real = importing.ingest_events

    def failing_second_batch(source, events):
        calls.append(len(events))
        result = real(source, events)  # written, then the database gives up
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return result

    monkeypatch.setattr(importing, "ingest_events", failing_second_batch)
    with pytest.raises(RuntimeError):
        run(accord_rows(25), batch_size=10)
    db.session.rollback()
    assert sorted(stored("import"), key=lambda i: int(i[1:])) == [f"e{n}" for n in range(10)]


def test_the_file_is_read_as_a_stream(app):
    """The first batch is stored long before the end of the file has been read."""
    data = accord_rows(3_000).encode()
    stream, read_at_batches = io.BytesIO(data), []
    report = import_csv(stream, "accord", batch_size=500, on_batch=lambda r: read_at_batches.append(stream.tell()))
    assert (report.accepted, report.batches) == (3_000, 6)
    assert read_at_batches[0] < len(data) / 4
    assert read_at_batches == sorted(read_at_batches)


@pytest.mark.parametrize("text, fmt, options, message", [
    ("", "accord", {}, "The file is empty"),
    ("source_event_id,kind,occurred_at\n", "accord", {}, "no column 'lead_external_id'"),
    ("Record ID,Email\n1,a@example.com\n", "hubspot-contacts", {}, "no lifecycle stage date column"),
    ("Lead ID,Lead Status\n", "salesforce-leads", {}, "no column 'Created Date or Create Date'"),
    (ACCORD_HEADER, "accord", {"timezone": "Mars/Olympus"}, "is not a time zone"),
    (ACCORD_HEADER, "accord", {"source": "Bad Source!"}, "is not a source name"),
])
def test_a_file_that_cannot_be_imported_says_why_and_stores_nothing(app, text, fmt, options, message):
    with pytest.raises(ImportFileError, match=message):
        run(text, fmt, **options)
    assert counts("import") == (0, 0)


def test_the_command_explains_a_file_it_cannot_import(app, runner, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("Email\na@example.com\n")
    result = runner.invoke(args=["leads", "import", str(path), "--format", "hubspot-contacts"])
    assert result.exit_code == 1
    assert "Error: The file has no column 'Record ID or Contact ID'" in result.output


def test_another_encoding_is_read_when_named(app, runner, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((ACCORD_HEADER + "e1,L1,stage_entered,lead,,,2026-11-03T10:00:00Z,,,Süßwaren\n").encode("latin-1"))
    wrong = runner.invoke(args=["leads", "import", str(path), "--format", "accord"])
    assert wrong.exit_code == 1
    assert "Give --encoding" in wrong.output
    right = runner.invoke(args=["leads", "import", str(path), "--format", "accord", "--encoding", "latin-1"])
    assert right.exit_code == 0, right.output
    assert db.session.scalar(select(Lead.fields).where(Lead.external_id == "L1")) == {"industry": "Süßwaren"}


def test_the_command_says_how_far_it_got_when_the_database_refuses_a_batch(app, runner, tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    real, calls = importing.ingest_events, []

    def refusing_second_batch(source, events):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real(source, events)

    monkeypatch.setattr(importing, "ingest_events", refusing_second_batch)
    monkeypatch.setattr(importing, "BATCH_SIZE", 10)
    path = tmp_path / "events.csv"
    path.write_text(accord_rows(25))
    result = runner.invoke(args=["leads", "import", str(path), "--format", "accord"])
    assert result.exit_code == 1
    assert "The database refused batch 2 (OperationalError); the 1 before it are stored." in result.output
    assert counts("import")[1] == 10
