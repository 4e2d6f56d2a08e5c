"""Importing lead events from CSV files: our own format, a HubSpot contacts export, a Salesforce lead report.

The file is read as a stream, row by row, and its events are stored in batches of a few thousand, each
batch in a transaction of its own: a file of a million rows takes no more memory than one of a thousand,
and a failure loses one batch at most. Every event's id comes from its row (the record id and the
column), so importing the same file again stores nothing new. Rows that cannot be read are reported with
their row and column; the others are stored.
"""
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.leads.services import EVENTS_REQUEST_SCHEMA, VALUE_PROPERTY, event_problems, ingest_events
from app.models import LeadEvent
from app.transactions import transaction

BATCH_SIZE = 2_000
ERRORS_KEPT = 1_000  # the first errors are kept to show; all are counted
DEFAULT_SOURCES = {"accord": "import", "hubspot-contacts": "hubspot", "salesforce-leads": "salesforce"}
FORMATS = tuple(DEFAULT_SOURCES)
_SOURCE = re.compile(EVENTS_REQUEST_SCHEMA["properties"]["source"]["pattern"])
_SOURCE_MAX = EVENTS_REQUEST_SCHEMA["properties"]["source"]["maxLength"]
_EVENT_INDEX = re.compile(r"^/events/(\d+)(/.*)?$")
# Local date-times as CRM exports write them, besides ISO 8601: HubSpot's and Salesforce's US formats.
LOCAL_FORMATS = ("%m/%d/%Y %I:%M %p", "%m/%d/%Y, %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (a missing column, an unknown time zone); nothing was stored."""


@dataclass
class ImportReport:
    dry_run: bool = False
    rows: int = 0
    rows_rejected: int = 0  # rows with at least one error
    accepted: int = 0  # stored now (in a dry run: would be stored)
    duplicates: int = 0  # stored before (in a dry run: only those stored before the run are known)
    rejected: int = 0  # events or rows that cannot be stored
    kinds: Counter = field(default_factory=Counter)  # the valid events by kind
    errors: list = field(default_factory=list)  # {"row", "column", "message"}: the first ERRORS_KEPT
    error_count: int = 0
    batches: int = 0

    def add_error(self, row: int, column: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"row": row, "column": column, "message": message})


@dataclass
class Mapped:
    """One event made from a row, with where it came from: the row and the column of each property."""
    event: dict
    row: int
    columns: dict  # "at" -> "occurred_at", "lead/fields/industry" -> "field:industry" …

    def column_of(self, pointer: str) -> str | None:
        """The column an error's pointer inside the event points at (its longest known prefix)."""
        parts = [p for p in pointer.split("/") if p]
        for length in range(len(parts), 0, -1):
            column = self.columns.get("/".join(parts[:length]))
            if column is not None:
                return column
        return None


class Columns:
    """A header row: finds columns by name, whatever their case and surrounding spaces."""

    def __init__(self, header: list[str]):
        self.names = [name.strip() for name in header]
        self.index = {}
        for position, name in enumerate(self.names):
            self.index.setdefault(name.casefold(), position)

    def find(self, *names: str) -> str | None:
        """The header's spelling of the first of these names it has."""
        for name in names:
            position = self.index.get(name.casefold())
            if position is not None:
                return self.names[position]
        return None

    def require(self, *groups: tuple[str, ...]) -> list[str]:
        """The header's spelling of one name of each group; ImportFileError naming those it lacks."""
        found = [self.find(*group) for group in groups]
        missing = [" or ".join(group) for group, name in zip(groups, found) if name is None]
        if missing:
            raise ImportFileError(f"The file has no column {', '.join(repr(m) for m in missing)}; "
                                  f"its columns are: {', '.join(self.names) or 'none'}.")
        return found


class Row:
    """One row's cells by column name, stripped; a cell the row lacks is empty."""

    def __init__(self, columns: Columns, cells: list[str], number: int):
        self.columns, self.cells, self.number = columns, cells, number

    def get(self, name: str | None) -> str:
        if name is None:
            return ""
        position = self.columns.index.get(name.casefold())
        return self.cells[position].strip() if position is not None and position < len(self.cells) else ""


# A format turns a row into events and the row's problems ((column, message) pairs), or None when the
# row is not a record (a report's footer).
RowMapper = Callable[[Row], tuple[list[Mapped], list[tuple[str | None, str]]] | None]


def _lead(external_id: str, lead_type: str = "", owner: str = "", fields: dict | None = None) -> str | dict:
    """An event's lead: its id alone, or with the details the row gives (an empty cell changes nothing)."""
    details = {"lead_type": lead_type, "owner": owner}
    lead = {"external_id": external_id, **{k: v for k, v in details.items() if v}}
    fields = {k: v for k, v in (fields or {}).items() if v != ""}
    if fields:
        lead["fields"] = fields
    return lead if len(lead) > 1 else external_id


def local_time(text: str, zone: ZoneInfo) -> str | None:
    """A CRM export's date-time as ISO 8601 with its offset: in `zone` when it names none; None when unreadable."""
    try:
        moment = datetime.fromisoformat(text.upper())
    except ValueError:
        moment = None
        for pattern in LOCAL_FORMATS:
            try:
                moment = datetime.strptime(text.upper(), pattern)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat()


def _time_problem(column: str, text: str) -> tuple[str, str]:
    return column, (f"{text!r} is not a date-time: write 2026-11-03 14:05 (in the --timezone given), "
                    "11/3/2026 2:05 PM, or ISO 8601 with an offset")


# --- accord: our own format, one event per row ------------------------------------------------------

ACCORD_REQUIRED = ("source_event_id", "lead_external_id", "kind", "occurred_at")
ACCORD_FIELD_PREFIX = "field:"


def accord_format(columns: Columns, document: dict | None, zone: ZoneInfo) -> RowMapper:
    """source_event_id, lead_external_id, kind, value, channel, outcome, occurred_at (ISO 8601 with an
    offset), lead_type, owner, and field:<name> columns for the fields fit rules test."""
    id_column, lead_column, kind_column, at_column = columns.require(*((name,) for name in ACCORD_REQUIRED))
    value_column, channel_column, outcome_column, type_column, owner_column = (
        columns.find(name) for name in ("value", "channel", "outcome", "lead_type", "owner"))
    field_columns = {name[len(ACCORD_FIELD_PREFIX):].strip(): name for name in columns.names
                     if name.casefold().startswith(ACCORD_FIELD_PREFIX) and name[len(ACCORD_FIELD_PREFIX):].strip()}
    columns_by_property = {
        "id": id_column, "lead": lead_column, "lead/external_id": lead_column, "kind": kind_column,
        "at": at_column, "channel": channel_column, "outcome": outcome_column or value_column,
        "lead/lead_type": type_column, "lead/owner": owner_column,
        **{f"lead/fields/{name}": column for name, column in field_columns.items()},
        **{prop: value_column for kind, prop in VALUE_PROPERTY.items() if kind != "connect_attempt"}}

    def mapper(row: Row):
        kind = row.get(kind_column)
        problems = [(column, "is empty") for column in (id_column, lead_column, kind_column, at_column)
                    if not row.get(column)]
        if kind == "connect_attempt" and not row.get(channel_column):
            problems.append((channel_column or "channel", "is empty: a connect_attempt row names its channel"))
        elif kind in VALUE_PROPERTY and kind != "connect_attempt" and not row.get(value_column):
            problems.append((value_column or "value", f"is empty: a {kind} row names its {VALUE_PROPERTY[kind]}"))
        if problems:
            return [], problems
        event = {"id": row.get(id_column), "kind": kind, "at": row.get(at_column),
                 "lead": _lead(row.get(lead_column), row.get(type_column), row.get(owner_column),
                               {name: row.get(column) for name, column in field_columns.items()})}
        if kind == "connect_attempt":
            event["channel"] = row.get(channel_column)
            event["outcome"] = row.get(outcome_column) or row.get(value_column) or None
        elif kind in VALUE_PROPERTY:
            event[VALUE_PROPERTY[kind]] = row.get(value_column)
        return [Mapped({k: v for k, v in event.items() if v is not None}, row.number, columns_by_property)], []

    return mapper


# --- HubSpot: a contacts export, one stage_entered event per "Became a … Date" column ----------------

# HubSpot's lifecycle stages: the export's date column, the stage's internal value and label, and the
# stage key a document without the stage is assumed to use.
HUBSPOT_STAGES = (
    ("Became a Subscriber Date", "subscriber", "Subscriber", "subscriber"),
    ("Became a Lead Date", "lead", "Lead", "lead"),
    ("Became a Marketing Qualified Lead Date", "marketingqualifiedlead", "Marketing Qualified Lead", "mql"),
    ("Became a Sales Qualified Lead Date", "salesqualifiedlead", "Sales Qualified Lead", "sql"),
    ("Became an Opportunity Date", "opportunity", "Opportunity", "opportunity"),
    ("Became a Customer Date", "customer", "Customer", "customer"),
    ("Became an Evangelist Date", "evangelist", "Evangelist", "evangelist"),
    ("Became an Other Lifecycle Date", "other", "Other", "other"),
)
HUBSPOT_FIELDS = {"industry": ("Industry",), "employees": ("Number of Employees",), "job_title": ("Job Title",),
                  "country": ("Country/Region", "Country"), "annual_revenue": ("Annual Revenue",)}
SALESFORCE_FIELDS = {"industry": ("Industry",), "employees": ("Employees", "No. of Employees"),
                     "job_title": ("Title",), "country": ("Country",), "lead_source": ("Lead Source",),
                     "company": ("Company / Account", "Company")}


def crm_key(document: dict | None, section: str, value: str, *labels: str) -> str | None:
    """The key of the document's entry a CRM value stands for: by its crm_value, else by its name."""
    entries = ((document or {}).get("sections") or {}).get(section) or []
    for entry in entries:
        if entry.get("crm_value") and entry["crm_value"].casefold() == value.casefold():
            return entry["key"]
    names = {label.casefold() for label in (value, *labels)}
    return next((entry["key"] for entry in entries if (entry.get("name") or "").casefold() in names), None)


def _field_columns(columns: Columns, names: dict) -> dict[str, str]:
    found = {name: columns.find(*headers) for name, headers in names.items()}
    return {name: column for name, column in found.items() if column}


def _lead_columns(fields: dict[str, str], external_id_column: str, owner_column: str | None) -> dict:
    return {"lead": external_id_column, "lead/external_id": external_id_column, "lead/owner": owner_column,
            **{f"lead/fields/{name}": column for name, column in fields.items()}}


def hubspot_contacts_format(columns: Columns, document: dict | None, zone: ZoneInfo) -> RowMapper:
    """Record ID, Contact owner, firmographic columns and the "Became a … Date" columns, in the portal's zone."""
    (id_column,) = columns.require(("Record ID", "Contact ID"))
    stages = [(column, internal, crm_key(document, "lifecycle_stages", internal, label) or fallback)
              for header, internal, label, fallback in HUBSPOT_STAGES if (column := columns.find(header))]
    if not stages:
        raise ImportFileError("The file has no lifecycle stage date column (such as 'Became a Lead Date'): "
                              "export the contacts with those properties.")
    owner_column = columns.find("Contact owner", "Contact Owner Email")
    fields = _field_columns(columns, HUBSPOT_FIELDS)
    lead_columns = _lead_columns(fields, id_column, owner_column)

    def mapper(row: Row):
        record = row.get(id_column)
        if not record:
            return [], [(id_column, "is empty")]
        lead = _lead(record, owner=row.get(owner_column), fields={n: row.get(c) for n, c in fields.items()})
        events, problems = [], []
        for column, internal, stage in stages:
            text = row.get(column)
            if not text:
                continue
            at = local_time(text, zone)
            if at is None:
                problems.append(_time_problem(column, text))
                continue
            events.append(Mapped({"id": f"contact-{record}-became-{internal}", "lead": lead, "kind": "stage_entered",
                                  "stage": stage, "at": at}, row.number,
                                 {**lead_columns, "id": id_column, "stage": column, "at": column}))
        return events, problems

    return mapper


# --- Salesforce: a lead report, one status_changed event per row ----------------------------------

def slug(text: str) -> str:
    """A CRM label as a key: 'Open - Not Contacted' -> 'open-not-contacted'."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


STATUSES_REMEMBERED = 1_000  # a CRM has a dozen statuses; a file with more is not remembered whole


def salesforce_leads_format(columns: Columns, document: dict | None, zone: ZoneInfo) -> RowMapper:
    """Lead ID, Lead Status and Created Date (the status's time: Last Modified Date when the report has it)."""
    id_column, status_column, created_column = columns.require(
        ("Lead ID",), ("Lead Status", "Status"), ("Created Date", "Create Date"))
    modified_column = columns.find("Last Modified Date")
    owner_column = columns.find("Owner Email", "Lead Owner Email")
    fields = _field_columns(columns, SALESFORCE_FIELDS)
    lead_columns = _lead_columns(fields, id_column, owner_column)
    statuses: dict[str, str] = {}

    def mapper(row: Row):
        if len(row.cells) <= 1:  # the report's footer: copyright, "Generated By", the company name
            return None
        lead_id, status = row.get(id_column), row.get(status_column)
        problems = [(column, "is empty") for column, value in ((id_column, lead_id), (status_column, status))
                    if not value]
        time_column = modified_column if row.get(modified_column) else created_column
        text = row.get(time_column)
        at = local_time(text, zone) if text else None
        if not text:
            problems.append((created_column, "is empty"))
        elif at is None:
            problems.append(_time_problem(time_column, text))
        if problems:
            return [], problems
        key = statuses.get(status)
        if key is None:
            key = crm_key(document, "lead_statuses", status) or slug(status) or status
            if len(statuses) < STATUSES_REMEMBERED:
                statuses[status] = key
        lead = _lead(lead_id, owner=row.get(owner_column), fields={n: row.get(c) for n, c in fields.items()})
        return [Mapped({"id": f"lead-{lead_id}-status-{slug(status) or status}", "lead": lead,
                        "kind": "status_changed", "status": key, "at": at}, row.number,
                       {**lead_columns, "id": id_column, "status": status_column, "at": time_column})], []

    return mapper


FORMAT_MAPPERS = {"accord": accord_format, "hubspot-contacts": hubspot_contacts_format,
                  "salesforce-leads": salesforce_leads_format}


# --- reading and storing ----------------------------------------------------------------------------

def check_source(source: str) -> str:
    if not (isinstance(source, str) and len(source) <= _SOURCE_MAX and _SOURCE.match(source)):
        raise ImportFileError(f"The source {source!r} is not a source name: lower-case letters, digits, "
                              f"'.', '_' and '-', starting with a letter or digit, at most {_SOURCE_MAX} characters.")
    return source


def time_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ImportFileError(f"{name!r} is not a time zone: give an IANA name such as Europe/Berlin or UTC.") from None


def _records(text: io.TextIOBase) -> Iterator[tuple[int, list[str]]]:
    """(line where the row ends, cells) for each non-empty row, reading as it goes."""
    reader = csv.reader(text)
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


def read_events(stream, fmt: str, *, timezone: str = "UTC", encoding: str = "utf-8-sig",
                document: dict | None = None, limit: int = 100_000) -> Iterator[dict]:
    """The valid events of a CSV file, stored nowhere (a what-if sample); rows with problems are skipped.
    ImportFileError for a file that cannot be read as that format or has more than `limit` events."""
    if fmt not in FORMAT_MAPPERS:
        raise ImportFileError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        rows = _records(text)
        first = next(rows, None)
        if first is None:
            raise ImportFileError("The file is empty: it needs a header row, then one row per record.")
        columns = Columns(first[1])
        mapper, count = FORMAT_MAPPERS[fmt](columns, document, time_zone(timezone)), 0
        for number, cells in rows:
            mapped = mapper(Row(columns, cells, number))
            if mapped is None or mapped[1]:
                continue
            for item in mapped[0]:
                if not event_problems(item.event, 0):
                    count += 1
                    if count > limit:
                        raise ImportFileError(f"A sample holds at most {limit:,} events.")
                    yield item.event
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportFileError(f"The file cannot be read ({error}).") from None
    finally:
        text.detach()


def import_csv(stream, fmt: str, source: str | None = None, *, dry_run: bool = False, timezone: str = "UTC",
               encoding: str = "utf-8-sig", document: dict | None = None, batch_size: int | None = None,
               on_batch: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Import a CSV file (a binary stream) of the format given; each batch commits on its own, a dry run
    writes nothing. `document` (the SLA in force by default) maps the CRM's stages and statuses to keys."""
    if fmt not in FORMAT_MAPPERS:
        raise ImportFileError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    source = check_source(source or DEFAULT_SOURCES[fmt])
    zone = time_zone(timezone)
    if document is None:
        from app.crm.services import current_document
        document = current_document()
    batch_size = batch_size or BATCH_SIZE
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    report, batch = ImportReport(dry_run=dry_run), []
    rows = _records(text)
    try:
        first = next(rows, None)
        if first is None:
            raise ImportFileError("The file is empty: it needs a header row, then one row per record.")
        columns = Columns(first[1])
        mapper = FORMAT_MAPPERS[fmt](columns, document, zone)
        for number, cells in rows:
            mapped = mapper(Row(columns, cells, number))
            if mapped is None:
                continue
            report.rows += 1
            events, problems = mapped
            if len(cells) > len(columns.names) and any(c.strip() for c in cells[len(columns.names):]):
                problems.append((None, f"has {len(cells)} cells but the header has {len(columns.names)}"))
                events = []
            for column, message in problems:
                report.add_error(number, column, message)
            if problems:
                report.rows_rejected += 1
                report.rejected += max(1, len(events))
                continue
            batch.extend(events)
            if len(batch) >= batch_size:
                _store(batch, source, report, on_batch)
                batch = []
    except (csv.Error, UnicodeDecodeError) as error:
        report.add_error(report.rows + 2, None, f"the file cannot be read from here on ({error}); "
                         "nothing after this row was imported" + (
                             f": is it {encoding}? Give --encoding." if isinstance(error, UnicodeDecodeError) else ""))
        report.rows_rejected += 1
        report.rejected += 1
    finally:
        text.detach()  # the caller closes its stream
    if batch or not report.batches:
        _store(batch, source, report, on_batch)
    return report


def _store(batch: list[Mapped], source: str, report: ImportReport, on_batch) -> None:
    """Store one batch in a transaction of its own (in a dry run: check it), and account for it."""
    events = [mapped.event for mapped in batch]
    if report.dry_run:
        problems = [problem for index, event in enumerate(events) for problem in event_problems(event, index)]
        rejected = _rejected_indexes(problems)
        valid = [e["id"] for index, e in enumerate(events) if index not in rejected]
        stored = _stored_ids(source, valid)
        new = set(valid) - stored
        report.accepted += len(new)
        report.duplicates += len(valid) - len(new)
    else:
        with transaction():
            result = ingest_events(source, events) if events else None
        problems = result.errors if result else []
        rejected = _rejected_indexes(problems)
        if result:
            report.accepted += result.accepted
            report.duplicates += result.duplicates
    report.rejected += len(rejected)
    rows_with_errors = set()
    for problem in problems:
        index, inner = _rejected_index(problem["pointer"])
        mapped = batch[index]
        rows_with_errors.add(mapped.row)
        report.add_error(mapped.row, mapped.column_of(inner), problem["message"])
    report.rows_rejected += len(rows_with_errors)
    report.kinds.update(event["kind"] for index, event in enumerate(events) if index not in rejected)
    report.batches += 1
    if on_batch is not None:
        on_batch(report)


def _rejected_index(pointer: str) -> tuple[int, str]:
    """/events/3/lead/owner -> (3, "/lead/owner")."""
    match = _EVENT_INDEX.match(pointer)
    return int(match.group(1)), match.group(2) or ""


def _rejected_indexes(problems: list[dict]) -> set[int]:
    return {_rejected_index(problem["pointer"])[0] for problem in problems}


def _stored_ids(source: str, ids: list[str]) -> set[str]:
    """Which of these event ids the source has stored already."""
    found = set()
    for start in range(0, len(ids), 500):  # bounded IN lists
        found.update(db.session.scalars(select(LeadEvent.source_event_id).where(
            LeadEvent.source == source, LeadEvent.source_event_id.in_(ids[start:start + 500]))))
    return found
