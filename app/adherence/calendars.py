"""Business hours: a calendar entry of the SLA (time zone, workdays, opening hours, holidays) as
arithmetic, so that "within 4 business hours" means the same to everyone, whatever the clocks say."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.sla.sections import WEEKDAYS

MAX_DAYS = 3_660  # ten years of days: no window of an SLA is longer; keeps every loop bounded


@dataclass(frozen=True)
class OfficeCalendar:
    zone: ZoneInfo
    workdays: frozenset  # 0 = Monday
    opens: time
    closes: time
    holidays: frozenset  # dates

    @classmethod
    def from_entry(cls, entry: dict) -> "OfficeCalendar":
        """The calendar of a `calendars` entry of a document."""
        return cls(ZoneInfo(entry["timezone"]),
                   frozenset(WEEKDAYS.index(day) for day in entry.get("workdays") or ()),
                   time.fromisoformat(entry["start"]), time.fromisoformat(entry["end"]),
                   frozenset(date.fromisoformat(day) for day in entry.get("holidays") or ()))

    def opening(self, day: date) -> tuple[datetime, datetime] | None:
        """When the office is open on a local day (aware, in the calendar's zone), or None when closed."""
        if day.weekday() not in self.workdays or day in self.holidays or self.closes <= self.opens:
            return None
        return (datetime.combine(day, self.opens, tzinfo=self.zone),
                datetime.combine(day, self.closes, tzinfo=self.zone))

    def business_time(self, start: datetime, end: datetime) -> timedelta:
        """Open time between two aware moments (zero when end is not after start)."""
        total, day = timedelta(), start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        for _ in range(MAX_DAYS):
            if day > last:
                break
            span = self.opening(day)
            if span is not None:
                overlap = min(end, span[1]) - max(start, span[0])
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime | None:
        """The moment `amount` of open time after `start` (None when the calendar never opens)."""
        left, day = amount, start.astimezone(self.zone).date()
        for _ in range(MAX_DAYS):
            span = self.opening(day)
            if span is not None and span[1] > start:
                begin = max(start, span[0])
                if begin + left <= span[1]:
                    return begin + left
                left -= span[1] - begin
            day += timedelta(days=1)
        return None
