"""Demo lead data: six months of synthetic leads and their events, shaped by the demo SLA.

The same day and seed give the same data. The funnel runs lead → MQL → SQL → opportunity → customer with
realistic drop-off, and the numbers are chosen so that adherence has something to say: MQL volume is met
every month but one, SQL volume every month, the SQL follow-up within 4 business hours is missed in the
last two months, and every returned SQL was worked through the full connect sequence first.
"""
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert, select

from app.adherence.calendars import OfficeCalendar
from app.demo import DEMO_DOMAIN
from app.extensions import db
from app.models import Lead, LeadEvent
from app.models.base import utcnow

SOURCE = "demo"
SEED = 16
MONTHS = 6  # the complete months before the current one
LEADS_PER_DAY = 27.4  # about 5,000 leads in six months
MQL_PER_MONTH = 140  # the commitment asks for 120: 134 to 152
WEAK_MQL_PER_MONTH = 100  # 94 to 112
WEAK_MQL_MONTH = 2  # the third of the six months: a campaign gap
SQL_PER_MONTH = 40  # the commitment asks for 30: 36 to 47
SLOW_MONTHS = 2  # the last complete months, and the current one, answer SQLs late
LATE_SHARE, SLOW_LATE_SHARE = 0.025, 0.25  # of a month's SQLs attempted after 4 business hours
FOLLOW_UP = "sql-follow-up"
CHUNK = 5_000  # rows per executemany
SALES_ENGINEERS = tuple(f"{name}@{DEMO_DOMAIN}" for name in
                        ("jonas.weber", "lena.fischer", "pieter.devries", "astrid.lund", "niamh.byrne"))
LEAD_TYPES = (("new-prospect-equipment", 75), ("customer-maintenance-contract", 15),
              ("customer-spare-parts-upgrade", 10))
TARGET_INDUSTRIES = ("food production", "beverages", "dairy", "confectionery", "contract packaging",
                     "pharmaceuticals", "personal care")
OTHER_INDUSTRIES = ("automotive", "chemicals", "logistics", "education", "retail")
COUNTRIES = ("DE", "AT", "CH", "NL", "BE", "DK", "SE", "NO", "FI", "GB", "IE", "PL", "FR", "US")
JOBS = (("Plant Manager", "director"), ("Maintenance Manager", "manager"), ("Production Engineer", "individual"),
        ("Head of Operations", "vice president"), ("Managing Director", "c-level"), ("Buyer", "individual"),
        ("Packaging Technology Student", "student"))
ENGAGEMENTS = (("email_open", 30), ("email_click", 18), ("page_view", 20), ("form_submission", 5),
               ("webinar_attended", 8), ("pricing_page_visit", 10), ("roi_calculator_completed", 5),
               ("email_unsubscribe", 2))
SQL_TRIGGERS = ("demo_request", "line_audit_request")
# A connect attempt's outcome by channel: calls reach people, emails and messages mostly do not answer.
OUTCOMES = {"call": (("no-answer", 50), ("voicemail", 28), ("wrong-number", 4), ("conversation", 12),
                     ("meeting-booked", 6)),
            "other": (("no-answer", 85), ("conversation", 10), ("meeting-booked", 5))}


@dataclass
class DemoLead:
    external_id: str
    created: datetime
    lead_type: str
    fields: dict
    owner: str | None = None


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def office_moment(calendar: OfficeCalendar, rng: random.Random, day: date) -> datetime:
    """A moment in the office hours of the day (a closed day: of the next open one), in naive UTC."""
    for _ in range(31):
        span = calendar.opening(day)
        if span is not None:
            return _utc(span[0] + (span[1] - span[0]) * rng.random())
        day += timedelta(days=1)
    raise ValueError("The calendar is closed for a month.")


def add_business_hours(calendar: OfficeCalendar, moment: datetime, hours: float) -> datetime:
    """`hours` of open time after a naive UTC moment, in naive UTC."""
    return _utc(calendar.add_business_time(moment.replace(tzinfo=timezone.utc), timedelta(hours=hours)))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def month_starts(now: datetime) -> list[datetime]:
    """The first moment of each month of the demo: the six complete months before `now`'s, and `now`'s."""
    starts, year, month = [], now.year, now.month
    for _ in range(MONTHS + 1):
        starts.append(datetime(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


class _Generator:
    """One run: a seeded random source, and the leads and events it has made so far."""

    def __init__(self, now: datetime, seed: int, content: dict):
        self.now, self.rng = now, random.Random(seed)
        commitment = next(c for c in content["commitments"] if c["key"] == FOLLOW_UP)
        self.calendar = OfficeCalendar.from_entry(
            next(c for c in content["calendars"] if c["key"] == commitment["calendar"]))
        steps = sorted(content["connect_attempts"], key=lambda step: step["position"])
        self.sequence = [(step["channel"], step["day"]) for step in steps]
        self.starts = month_starts(now)
        self.start = self.starts[0]
        self.leads: list[DemoLead] = []
        self.events: list[tuple] = []  # (lead, kind, value, channel, outcome, at)

    # --- the funnel, month by month ----------------------------------------------------------------

    def months(self):
        """(index, first moment, last moment, share of the month gone) of each month, the current one
        ending now; a day at each edge is left out so that a month's entries stay in it in any time zone."""
        bounds = self.starts + [self.now]
        for index, (start, end) in enumerate(zip(bounds, bounds[1:])):
            first, last = start + timedelta(days=1), min(end - timedelta(days=1), self.now - timedelta(hours=1))
            full = (datetime(end.year + end.month // 12, end.month % 12 + 1, 1) if index == MONTHS else end) - start
            if last > first:
                yield index, first, last, (end - start) / full

    def moment(self, first: datetime, last: datetime) -> datetime:
        return first + (last - first) * self.rng.random()

    def earlier(self, moment: datetime, low_days: float, high_days: float) -> datetime:
        """A moment some days before, never before the demo starts."""
        return max(self.start + timedelta(days=1), moment - timedelta(days=self.rng.uniform(low_days, high_days)))

    def run(self) -> tuple[list[DemoLead], list[tuple]]:
        mql_counts = {}
        for index, first, last, share in self.months():
            count = round((SQL_PER_MONTH + self.rng.randint(-4, 7)) * share)
            slow = index >= MONTHS - SLOW_MONTHS
            late = set(self.rng.sample(range(count), int(count * (SLOW_LATE_SHARE if slow else LATE_SHARE))))
            for number in range(count):
                day = self.moment(first, last).date()
                handed_over = (office_moment(self.calendar, self.rng, day) if self.rng.random() < 0.8
                               else self.moment(first, last))
                handed_over = min(handed_over, last)
                mql = self.earlier(handed_over, 0.3, 20)
                mql_counts[self.month_of(mql)] = mql_counts.get(self.month_of(mql), 0) + 1
                self.sql_lead(self.new_lead(self.earlier(mql, 1, 45), fit=True), mql, handed_over, number in late)
        for index, first, last, share in self.months():
            target = (WEAK_MQL_PER_MONTH if index == WEAK_MQL_MONTH else MQL_PER_MONTH) + self.rng.randint(-6, 12)
            for _ in range(max(0, round(target * share) - mql_counts.get(index, 0))):
                mql = self.moment(first, last)
                lead = self.new_lead(self.earlier(mql, 1, 45), fit=True)
                self.stage(lead, "mql", mql)
        total = round(LEADS_PER_DAY * (self.now - self.start) / timedelta(days=1))
        for _ in range(max(0, total - len(self.leads))):
            created = self.moment(self.start, self.now - timedelta(hours=1))
            if created.weekday() >= 5 and self.rng.random() < 0.6:  # fewer sign-ups at weekends
                created = self.moment(self.start, self.now - timedelta(hours=1))
            self.new_lead(created, fit=self.rng.random() < 0.4, subscriber=self.rng.random() < 0.25)
        return self.finish()

    def month_of(self, moment: datetime) -> int:
        return max(index for index, start in enumerate(self.starts) if start <= moment)

    def new_lead(self, created: datetime, fit: bool, subscriber: bool = False) -> DemoLead:
        rng = self.rng
        job, level = rng.choice(JOBS[:-1] if fit else JOBS)
        fields = {"industry": rng.choice(TARGET_INDUSTRIES if fit else TARGET_INDUSTRIES + OTHER_INDUSTRIES),
                  "employees": int(rng.lognormvariate(6.2 if fit else 5, 0.8)) + 10,
                  "country": rng.choice(COUNTRIES[:11] if fit else COUNTRIES), "job_title": job, "job_level": level}
        lead = DemoLead("", created, _pick(rng, LEAD_TYPES), fields)
        self.leads.append(lead)
        if subscriber:
            self.stage(lead, "subscriber", created)
            created += timedelta(days=rng.uniform(0, min(20, (self.now - created) / timedelta(days=1))))
        self.stage(lead, "lead", created)
        until = min(self.now, created + timedelta(days=60))
        for _ in range(rng.randint(3, 13)):
            self.add(lead, "engagement", _pick(rng, ENGAGEMENTS), at=self.moment(created, until))
        return lead

    def stage(self, lead: DemoLead, stage: str, at: datetime) -> None:
        self.add(lead, "stage_entered", stage, at=at)

    def add(self, lead: DemoLead, kind: str, value: str, at: datetime, channel: str | None = None,
            outcome: str | None = None) -> None:
        if at < self.now:
            self.events.append((lead, kind, value, channel, outcome, at))

    # --- what sales does with an SQL -----------------------------------------------------------------

    def sql_lead(self, lead: DemoLead, mql: datetime, handed_over: datetime, late: bool) -> None:
        rng = self.rng
        lead.owner = rng.choice(SALES_ENGINEERS)
        self.stage(lead, "mql", mql)
        self.add(lead, "engagement", rng.choice(SQL_TRIGGERS), at=handed_over - timedelta(minutes=rng.randint(1, 30)))
        self.stage(lead, "sql", handed_over)
        self.add(lead, "status_changed", "new", at=handed_over)
        first = add_business_hours(self.calendar, handed_over, rng.uniform(4.5, 14) if late else rng.uniform(0.1, 3.7))
        connected, attempt_at = False, first
        for number, (channel, day) in enumerate(self.sequence):
            if number:
                attempt_at = first + timedelta(days=day, hours=rng.uniform(0, 3))
            outcome = _pick(rng, OUTCOMES["call" if channel == "call" else "other"])
            self.add(lead, "connect_attempt", outcome, at=attempt_at, channel=channel, outcome=outcome)
            if outcome in ("conversation", "meeting-booked") and not connected:
                connected = True
                self.add(lead, "status_changed", "connected", at=attempt_at)
            elif number == 0:
                self.add(lead, "status_changed", "attempting", at=attempt_at)
            if outcome == "meeting-booked":
                self.opportunity(lead, attempt_at + timedelta(days=rng.uniform(1, 5)))
                return
        # The full sequence is done and nobody booked a meeting: back to marketing, or out.
        returned = attempt_at + timedelta(hours=rng.uniform(2, 48))
        self.add(lead, "status_changed", "returned-not-ready" if rng.random() < 0.7 else "disqualified", at=returned)

    def opportunity(self, lead: DemoLead, opened: datetime) -> None:
        rng = self.rng
        self.stage(lead, "opportunity", opened)
        self.add(lead, "status_changed", "open-deal", at=opened)
        self.add(lead, "deal_stage_entered", "discovery-meeting-booked", at=opened)
        at = opened
        for stage, chance in (("developing-quote", 0.7), ("quote-presented", 0.65)):
            at += timedelta(days=rng.uniform(5, 25))
            if rng.random() >= chance:
                self.add(lead, "deal_stage_entered", "closed-lost", at=at + timedelta(days=rng.uniform(10, 40)))
                return
            self.add(lead, "deal_stage_entered", stage, at=at)
        at += timedelta(days=rng.uniform(7, 30))
        won = rng.random() < 0.4
        self.add(lead, "deal_stage_entered", "closed-won" if won else "closed-lost", at=at)
        if won:
            self.stage(lead, "customer", at)

    def finish(self) -> tuple[list[DemoLead], list[tuple]]:
        """Leads numbered in the order they came, events in time order with ids per lead."""
        self.leads.sort(key=lambda lead: lead.created)
        for number, lead in enumerate(self.leads, start=1):
            lead.external_id = f"demo-{number:05d}"
        self.events.sort(key=lambda e: (e[5], e[0].external_id))
        return self.leads, self.events


def generate(now: datetime, seed: int = SEED, content: dict | None = None) -> tuple[list[DemoLead], list[dict]]:
    """The demo's leads and their events (as lead_events rows without lead_id) up to `now` (naive UTC)."""
    if content is None:
        from app.demo.content import PUBLISHED
        content = PUBLISHED
    leads, events = _Generator(now.replace(second=0, microsecond=0), seed, content).run()
    numbers: dict[str, int] = {}
    rows = []
    for lead, kind, value, channel, outcome, at in events:
        numbers[lead.external_id] = numbers.get(lead.external_id, 0) + 1
        rows.append({"lead": lead.external_id, "source_event_id": f"{lead.external_id}-{numbers[lead.external_id]}",
                     "kind": kind, "value": value, "channel": channel, "outcome": outcome, "occurred_at": at})
    return leads, rows


def load_demo_leads(now: datetime | None = None, seed: int = SEED) -> tuple[int, int] | None:
    """Insert the demo's leads and events (source "demo") in the caller's transaction; None when there are some."""
    if db.session.scalar(select(Lead.id).where(Lead.source == SOURCE).limit(1)) is not None:
        return None
    stamp = utcnow()
    leads, events = generate(now or stamp, seed)
    _insert_chunks(Lead.__table__, [
        {"source": SOURCE, "external_id": lead.external_id, "lead_type": lead.lead_type, "owner": lead.owner,
         "fields": lead.fields, "created_at": lead.created, "updated_at": lead.created} for lead in leads])
    ids = dict(db.session.execute(select(Lead.external_id, Lead.id).where(Lead.source == SOURCE)).all())
    _insert_chunks(LeadEvent.__table__, [
        {"lead_id": ids[event.pop("lead")], "source": SOURCE, "received_at": stamp, **event} for event in events])
    return len(leads), len(events)


def _insert_chunks(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])
