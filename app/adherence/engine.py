"""Adherence: each measurable commitment, period by period, against the lead data.

A lead is held to the commitment as it read in the version in force when the lead entered the
commitment's stage (a lead that became an SQL under 1.0.0 keeps 1.0.0's window after 1.1.0); a
period's target is the one in force at its end (or now, while it is open). Periods are cut in the
commitment's calendar's time zone (else ACCORD_TIMEZONE).

Statuses: met, missed (a closed period, or an open one that can no longer make it), at_risk (open,
and the pace so far misses), on_track (open, on pace), no_data (nothing measured yet).
"""
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.adherence.calendars import OfficeCalendar
from app.extensions import db
from app.models import Lead, LeadEvent
from app.versions.published import document_for, published_versions

MEASURED = ("stage_volume", "response_time", "attempts", "conversion")
STATUSES = ("met", "on_track", "at_risk", "missed", "no_data")
BREACHES_KEPT = 500


@dataclass
class Breach:
    """One lead that broke a commitment, and by how much (in the commitment's unit)."""
    lead_id: int
    external_id: str
    source: str
    entered_at: datetime
    reason: str  # no_attempt, late_attempt, too_few_attempts, not_converted
    by: float | None = None  # hours or days late, attempts missing
    made: int | None = None  # attempts made, for too_few_attempts

    def as_dict(self) -> dict:
        return {"lead": self.external_id, "source": self.source, "entered_at": _iso(self.entered_at),
                "reason": self.reason, "by": self.by, "attempts": self.made}


@dataclass
class PeriodResult:
    commitment: str
    period: str
    start: datetime
    end: datetime
    open: bool
    measure: str
    comparator: str
    target: float
    actual: float | None
    unit: str  # leads, or share (0–1)
    measured: int = 0
    status: str = "no_data"
    breaches: list = field(default_factory=list)
    breach_count: int = 0

    def as_dict(self) -> dict:
        return {"commitment": self.commitment, "period": self.period, "start": _iso(self.start),
                "end": _iso(self.end), "open": self.open, "measure": self.measure, "comparator": self.comparator,
                "target": self.target, "actual": self.actual, "unit": self.unit, "measured": self.measured,
                "status": self.status, "breaches": self.breach_count}


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _aware(stored: datetime) -> datetime:
    return stored.replace(tzinfo=timezone.utc)


# --- versions in force ---------------------------------------------------------------------------

class History:
    """The published versions in order, to find the one in force at a moment."""

    def __init__(self):
        self.versions = [v for v in published_versions() if v.published_at is not None]
        self.starts = [v.published_at for v in self.versions]
        self._documents: dict[int, dict] = {}
        self._found: dict = {}
        self._calendars: dict = {}

    def document_at(self, moment: datetime) -> dict | None:
        index = bisect_right(self.starts, _utc_naive(moment)) - 1
        return self._document(self.versions[index]) if index >= 0 else None

    def commitment_at(self, key: str, moment: datetime) -> tuple[dict | None, dict | None]:
        """The version in force at the moment, and its commitment `key` (memoised: asked once per lead)."""
        index = bisect_right(self.starts, _utc_naive(moment)) - 1
        if (index, key) not in self._found:
            document = self._document(self.versions[index]) if index >= 0 else None
            self._found[index, key] = document, entry_of(document, "commitments", key)
        return self._found[index, key]

    def calendar(self, document: dict, commitment: dict) -> OfficeCalendar | None:
        """The commitment's calendar in that document (the documents live as long as this history)."""
        key = (id(document), commitment.get("calendar"))
        if key not in self._calendars:
            self._calendars[key] = calendar_of(document, commitment)
        return self._calendars[key]

    def current(self) -> dict | None:
        return self._document(self.versions[-1]) if self.versions else None

    def pausing_statuses(self) -> frozenset:
        """The statuses any version marks as pausing the clock (on hold)."""
        if not hasattr(self, "_pausing"):
            self._pausing = frozenset(s["key"] for v in self.versions
                                      for s in self._document(v)["sections"].get("lead_statuses") or []
                                      if s.get("pauses_clock"))
        return self._pausing

    def return_statuses(self) -> tuple:
        """The statuses any version marks as a return (a lead is returned whichever version it was under)."""
        if not hasattr(self, "_returns"):
            self._returns = tuple(sorted({s["key"] for v in self.versions
                                          for s in self._document(v)["sections"].get("lead_statuses") or []
                                          if s.get("is_return")}))
        return self._returns

    def _document(self, version) -> dict:
        if version.id not in self._documents:
            self._documents[version.id] = document_for(version).data
        return self._documents[version.id]


def entry_of(document: dict | None, section: str, key: str) -> dict | None:
    for entry in (document or {}).get("sections", {}).get(section) or []:
        if entry["key"] == key:
            return entry
    return None


def calendar_of(document: dict, commitment: dict) -> OfficeCalendar | None:
    entry = entry_of(document, "calendars", commitment.get("calendar") or "")
    return OfficeCalendar.from_entry(entry) if entry else None


def measurable(commitment: dict) -> bool:
    """Whether lead data can measure it: a measure other than prose, with the stage it needs."""
    measure = commitment.get("measure")
    if measure not in MEASURED or not commitment.get("stage") or commitment.get("deprecated"):
        return False
    if measure == "response_time":
        return bool(commitment.get("within")) and commitment.get("within_unit") in ("business_hours", "hours", "days")
    return measure != "conversion" or bool(commitment.get("to_stage"))


# --- periods -------------------------------------------------------------------------------------

def period_bounds(kind: str, moment: datetime, zone: ZoneInfo) -> tuple[str, datetime, datetime]:
    """The period of that kind holding the moment: its name and [start, end) as aware times in `zone`."""
    local = moment.astimezone(zone)
    day = local.date()
    if kind == "hour":
        start = datetime.combine(day, time(local.hour), tzinfo=zone)
        return start.strftime("%Y-%m-%dT%H"), start, start + timedelta(hours=1)
    if kind == "day":
        first, last, name = day, day + timedelta(days=1), day.isoformat()
    elif kind == "week":
        first = day - timedelta(days=day.weekday())
        last, iso = first + timedelta(days=7), first.isocalendar()
        name = f"{iso.year}-W{iso.week:02d}"
    elif kind == "quarter":
        month = 3 * ((day.month - 1) // 3) + 1
        first = date(day.year, month, 1)
        last = date(day.year + (month == 10), 1 if month == 10 else month + 3, 1)
        name = f"{day.year}-Q{(month - 1) // 3 + 1}"
    elif kind == "year":
        first, last, name = date(day.year, 1, 1), date(day.year + 1, 1, 1), str(day.year)
    else:  # month
        first = day.replace(day=1)
        last = date(day.year + (day.month == 12), 1 if day.month == 12 else day.month + 1, 1)
        name = first.strftime("%Y-%m")
    return name, datetime.combine(first, time(), tzinfo=zone), datetime.combine(last, time(), tzinfo=zone)


def recent_periods(kind: str, now: datetime, zone: ZoneInfo, count: int) -> list[tuple[str, datetime, datetime]]:
    """The `count` periods up to the one holding `now`, oldest first."""
    periods, moment = [], now
    for _ in range(count):
        bounds = period_bounds(kind, moment, zone)
        periods.append(bounds)
        moment = bounds[1] - timedelta(seconds=1)
    return periods[::-1]


# --- measuring -----------------------------------------------------------------------------------

def _entries(stage: str, start: datetime, end: datetime, lead_types: list, measure: str = "stage_volume",
             to_stage: str | None = None, returns: tuple = ()) -> list:
    """One row per lead that entered the stage in the period: its id, external id, source and first entry,
    and what the measure needs from after it, all in one SQL statement (correlated subqueries on the
    (lead_id, occurred_at) index): the first connect attempt; the first return and the attempts before it;
    the first entry into `to_stage`."""
    first = (select(LeadEvent.lead_id.label("lead_id"), func.min(LeadEvent.occurred_at).label("entered"))
             .where(LeadEvent.kind == "stage_entered", LeadEvent.value == stage,
                    LeadEvent.occurred_at >= _utc_naive(start), LeadEvent.occurred_at < _utc_naive(end))
             .group_by(LeadEvent.lead_id).subquery())
    later, attempt = aliased(LeadEvent), aliased(LeadEvent)

    def first_after(kind: str, *conditions):
        return (select(func.min(later.occurred_at)).where(
            later.lead_id == first.c.lead_id, later.kind == kind, later.occurred_at >= first.c.entered, *conditions)
            .correlate(first).scalar_subquery())  # explicitly: nested in the count below it would not be

    columns = [Lead.id, Lead.external_id, Lead.source, first.c.entered]
    if measure == "response_time":
        columns.append(first_after("connect_attempt").label("first_attempt"))
    elif measure == "conversion":
        columns.append(first_after("stage_entered", later.value == to_stage).label("reached"))
    elif measure == "attempts":
        returned = first_after("status_changed", later.value.in_(returns or ("",)))
        columns += [returned.label("returned"), select(func.count()).where(
            attempt.lead_id == first.c.lead_id, attempt.kind == "connect_attempt",
            attempt.occurred_at >= first.c.entered, attempt.occurred_at <= returned).correlate(first)
            .scalar_subquery().label("made")]
    query = select(*columns).join(first, Lead.id == first.c.lead_id).order_by(first.c.entered, Lead.id)
    if lead_types:
        query = query.where(Lead.lead_type.in_(lead_types))
    return db.session.execute(query).all()


def _deadline(commitment: dict, calendar: OfficeCalendar | None, entered: datetime) -> datetime | None:
    within, unit = float(commitment.get("within") or 0), commitment.get("within_unit") or "days"
    if unit == "business_hours":
        if calendar is not None:
            return calendar.add_business_time(entered, timedelta(hours=within))
        unit = "hours"  # no calendar to count in: the clock's hours
    return entered + (timedelta(hours=within) if unit == "hours" else timedelta(days=within))


def _lateness(commitment: dict, calendar: OfficeCalendar | None, deadline: datetime, when: datetime) -> float:
    """How late, in the commitment's unit."""
    unit = commitment.get("within_unit") or "days"
    calendar = calendar if unit == "business_hours" else None
    late = calendar.business_time(deadline, when) if calendar else when - deadline
    return round(late / (timedelta(days=1) if unit == "days" else timedelta(hours=1)), 2)


def _share_target(commitment: dict) -> float:
    share = commitment.get("share")
    return float(share) if isinstance(share, (int, float)) else 1.0


class Evaluation:
    """One commitment's periods, measured against the history of versions and the lead data."""

    def __init__(self, key: str, history: History | None = None, now: datetime | None = None):
        self.key, self.history = key, history or History()
        self.now = now or datetime.now(timezone.utc)

    def commitment_at(self, moment: datetime) -> tuple[dict | None, dict | None]:
        return self.history.commitment_at(self.key, moment)

    def period(self, name: str, start: datetime, end: datetime) -> PeriodResult | None:
        """The result of one period, or None when the commitment is not measurable then."""
        is_open = end > self.now
        document, commitment = self.commitment_at(min(end, self.now) - timedelta(microseconds=1))
        if commitment is None or not measurable(commitment):
            return None
        measure = commitment["measure"]
        comparator = commitment.get("comparator") or "at_least"
        if measure == "stage_volume":
            target, unit = float(commitment.get("target") or 0), "leads"
        else:
            target, unit = _share_target(commitment), "share"
        result = PeriodResult(self.key, name, start, end, is_open, measure, comparator, target, None, unit)
        entries = _entries(commitment["stage"], start, min(end, self.now), commitment.get("lead_types") or [],
                           measure, commitment.get("to_stage"), self.history.return_statuses())
        if measure == "stage_volume":
            result.actual, result.measured = float(len(entries)), len(entries)
        else:
            self._per_lead(result, entries)
        result.status = self._status(result, start, end)
        return result

    def _per_lead(self, result: PeriodResult, entries: list) -> None:
        """Shares: each lead held to the commitment in force when it entered the stage."""
        kept = decided = 0
        pausing = self.history.pausing_statuses() if result.measure == "response_time" else frozenset()
        pauses = _pauses([row.id for row in entries], pausing, self.now) if pausing and entries else {}
        for row in entries:
            entered = _aware(row.entered)
            document, commitment = self.commitment_at(entered)
            if commitment is None or not measurable(commitment):
                continue
            verdict = judge(result.measure, commitment, self.history.calendar(document, commitment), entered, row,
                            self.now, pauses.get(row.id, ()))
            if verdict is None:
                continue  # not decided yet: its window is still open
            decided += 1
            if verdict is True:
                kept += 1
            else:
                result.breach_count += 1
                if len(result.breaches) < BREACHES_KEPT:
                    result.breaches.append(Breach(row.id, row.external_id, row.source, entered, *verdict))
        result.measured = decided
        result.actual = round(kept / decided, 4) if decided else None

    def _status(self, result: PeriodResult, start: datetime, end: datetime) -> str:
        actual, target = result.actual, result.target
        at_least = result.comparator != "at_most"
        if actual is None:
            return "no_data"
        reached = actual >= target if at_least else actual <= target
        if not result.open:
            return "met" if reached else "missed"
        if result.unit == "leads":
            if not at_least and not reached:
                return "missed"  # a ceiling already passed
            if at_least and reached:
                return "met"
            elapsed = (self.now - start) / (end - start)
            pace = actual / elapsed if elapsed > 0 else actual
            return "on_track" if (pace >= target if at_least else pace <= target) else "at_risk"
        return "on_track" if reached else "at_risk"

    def periods(self, count: int = 12) -> list[PeriodResult]:
        """The last `count` periods, oldest first (as the commitment in force now cuts them)."""
        document, commitment = self.commitment_at(self.now)
        if commitment is None:
            return []
        zone = zone_of(document, commitment)
        results = [self.period(*bounds) for bounds in recent_periods(commitment.get("period") or "month",
                                                                     self.now, zone, count)]
        return [r for r in results if r is not None]


def zone_of(document: dict, commitment: dict) -> ZoneInfo:
    from flask import current_app
    calendar = calendar_of(document, commitment)
    return calendar.zone if calendar else ZoneInfo(current_app.config.get("ACCORD_TIMEZONE") or "UTC")


def _pauses(lead_ids: list[int], pausing: frozenset, now: datetime) -> dict[int, list]:
    """Each lead's time on hold: [start, end) intervals while its status paused the clock (end None: still)."""
    found: dict[int, list] = {}
    for index in range(0, len(lead_ids), 500):  # bounded IN lists
        rows = db.session.execute(
            select(LeadEvent.lead_id, LeadEvent.value, LeadEvent.occurred_at)
            .where(LeadEvent.lead_id.in_(lead_ids[index:index + 500]), LeadEvent.kind == "status_changed")
            .order_by(LeadEvent.lead_id, LeadEvent.occurred_at, LeadEvent.id))
        since: dict[int, datetime] = {}
        for lead_id, value, at in rows:
            at = _aware(at)
            if value in pausing and lead_id not in since:
                since[lead_id] = at
            elif value not in pausing and lead_id in since:
                found.setdefault(lead_id, []).append((since.pop(lead_id), at))
        for lead_id, start in since.items():
            found.setdefault(lead_id, []).append((start, None))
    return found


def _paused_deadline(commitment: dict, calendar, entered: datetime, pauses) -> datetime | None:
    """The deadline, moved on by the time the lead spent on hold before it (None: on hold still)."""
    deadline = _deadline(commitment, calendar, entered)
    for start, end in pauses:
        if deadline is None or (end is not None and end <= entered) or start >= deadline:
            continue
        if end is None:
            return None
        start = max(start, entered)
        business = commitment.get("within_unit") == "business_hours" and calendar is not None
        held = calendar.business_time(start, end) if business else end - start
        deadline = calendar.add_business_time(deadline, held) if business else deadline + held
    return deadline


def _when(stored: datetime | None) -> datetime | None:
    return None if stored is None else _aware(stored)


def judge(measure: str, commitment: dict, calendar: OfficeCalendar | None, entered: datetime, facts, now: datetime,
          pauses=()):
    """True when the lead was served as promised, (reason, by how much, attempts made) when not, None
    while it cannot be told yet. `facts` is the lead's row from _entries(); `pauses` its time on hold."""
    if measure == "response_time":
        first = _when(facts.first_attempt)
        deadline = _paused_deadline(commitment, calendar, entered, pauses) if pauses else \
            _deadline(commitment, calendar, entered)
        if first is not None and (deadline is None or first <= deadline):
            return True
        if deadline is None and pauses:
            return None  # on hold still: the clock waits
        if first is None and deadline is not None and deadline > now:
            return None
        if first is None:
            return "no_attempt", None, None
        return "late_attempt", _lateness(commitment, calendar, deadline, first), None
    if measure == "attempts":
        if facts.returned is None:
            return None  # only a returned lead can break "attempts before returning it"
        made, needed = int(facts.made or 0), int(commitment.get("target") or 0)
        return True if made >= needed else ("too_few_attempts", float(needed - made), made)
    # conversion
    window = commitment.get("within")
    unit = commitment.get("within_unit") or "days"
    limit = None if not window else entered + (timedelta(hours=float(window)) if unit != "days"
                                               else timedelta(days=float(window)))
    reached = _when(facts.reached)
    if reached is not None and (limit is None or reached <= limit):
        return True
    if limit is None or limit > now:
        return None
    return "not_converted", None, None
