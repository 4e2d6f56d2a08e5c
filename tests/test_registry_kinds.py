"""The field kinds schema 2 added (several choices, a time, dates, a time zone, an email address):
what the entry form refuses, what it stores, and how a reader sees them in English and Thai."""
import pytest

from app.sla.sections import SECTIONS
from tests.test_editing_display import as_dict, render, render_html
from tests.test_editing_forms import add, assert_refused, draft, editor  # noqa: F401
from tests.test_editing_support import entry_by_key

CALENDAR = SECTIONS["calendars"]


@pytest.mark.parametrize("section_key, field, typed, message", [
    ("calendars", "start", "25:00", "Write a 24-hour time as HH:MM"),
    ("calendars", "end", "9am", "Write a 24-hour time as HH:MM"),
    ("calendars", "start", "9:00", "Write a 24-hour time as HH:MM"),
    ("calendars", "holidays", "2026-02-30", "is not a date"),
    ("calendars", "holidays", "2026-12-05\n5 December", "Line 2: “5 December” is not a date"),
    ("calendars", "timezone", "Mars/Olympus_Mons", "is not a time zone"),
    ("calendars", "timezone", "ICT", "is not a time zone"),
    ("calendars", "timezone", "../../etc/passwd", "is not a time zone"),
    ("calendars", "workdays", ["mon", "someday"], "Choose from:"),
    ("commitments", "owner", "not an address", "Enter an email address"),
    ("commitments", "share", "1.5", "Enter a number from 0 to 1."),
])
def test_a_bad_value_of_a_new_kind_is_refused_with_a_readable_reason(editor, draft, section_key, field, typed,
                                                                     message):
    assert_refused(add(editor, section_key, **{field: typed}), draft, message)


def test_a_calendar_is_stored_as_typed_with_its_holidays_sorted_and_workdays_in_week_order(editor, draft):
    response = add(editor, "calendars", timezone="Asia/Bangkok", workdays=["fri", "mon", "wed"], start="08:30",
                   end="17:30", holidays="2026-12-31\n2026-12-05\n2026-12-31")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    fields = entry_by_key(draft, "new-entry").fields
    assert fields == {"timezone": "Asia/Bangkok", "workdays": ["mon", "wed", "fri"], "start": "08:30",
                      "end": "17:30", "holidays": ["2026-12-05", "2026-12-31"]}


@pytest.mark.parametrize("language, expected", [
    ("en", ["Asia/Bangkok", "Monday, Friday", "09:00", "2026-12-05"]),
    ("th", ["Asia/Bangkok", "วันจันทร์, วันศุกร์", "เขตเวลา", "วันหยุด"]),
])
def test_a_calendar_reads_in_the_readers_language(app, language, expected):
    entry = as_dict("calendars", timezone="Asia/Bangkok", workdays=["mon", "fri"], start="09:00", end="18:00",
                    holidays=["2026-12-05"])
    with app.test_request_context(headers={"Accept-Language": language}):
        text = render(app, entry, CALENDAR)
    for words in expected:
        assert words in text


def test_an_owner_is_a_mail_link_and_stays_escaped(app):
    entry = as_dict("commitments", owner='a"<b>@example.com')
    with app.test_request_context():
        markup = render_html(app, entry, SECTIONS["commitments"])
    assert 'href="mailto:a&#34;&lt;b&gt;@example.com"' in markup and "<b>" not in markup
