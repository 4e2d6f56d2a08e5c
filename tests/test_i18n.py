"""Which language and time zone a page is served in, the switcher, and dates in the reader's era."""
from datetime import date, datetime

import pytest

from app.i18n import format_date, format_datetime

THAI_ACCEPT = {"Accept-Language": "th-TH,th;q=0.9,en;q=0.5"}


def html_lang(response) -> str:
    text = response.get_data(as_text=True)
    return text.split("<html lang=\"", 1)[1].split("\"", 1)[0]


@pytest.mark.parametrize("path", ["/", "/account", "/glossary"])
@pytest.mark.parametrize("headers, expected", [({}, "en"), (THAI_ACCEPT, "th"), ({"Accept-Language": "fr"}, "en")])
def test_the_browser_language_is_followed_when_nobody_chose(login_as, path, headers, expected):
    client = login_as("reader")
    assert html_lang(client.get(path, headers=headers)) == expected


def test_the_portal_default_applies_when_the_browser_asks_for_nothing_known(app, client):
    app.config["ACCORD_DEFAULT_LOCALE"] = "th"
    response = client.get("/login", headers={"Accept-Language": "fr"})
    assert html_lang(response) == "th"


@pytest.mark.parametrize("role", ["reader", "editor", "approver", "admin"])
def test_ones_own_language_beats_the_browser(login_as, db, role):
    client = login_as(role)
    response = client.post("/account/preferences", data={"locale": "th", "timezone": "Asia/Bangkok"})
    assert response.status_code == 302
    db.session.refresh(client.user)
    assert (client.user.locale, client.user.timezone) == ("th", "Asia/Bangkok")
    page = client.get("/account", headers={"Accept-Language": "en"})
    assert html_lang(page) == "th"
    assert "บัญชีของคุณ" in page.get_data(as_text=True)


@pytest.mark.parametrize("data, problem", [({"locale": "fr", "timezone": ""}, "locale"),
                                           ({"locale": "th", "timezone": "Mars/Olympus"}, "timezone")])
def test_an_unknown_language_or_zone_is_refused_on_the_form(login_as, db, data, problem):
    client = login_as("reader")
    response = client.post("/account/preferences", data=data)
    assert response.status_code == 400
    assert b"field-error" in response.data
    db.session.refresh(client.user)
    assert client.user.locale is None and client.user.timezone is None


def test_the_switcher_remembers_the_choice_for_a_signed_in_person(login_as, db):
    client = login_as("editor")
    response = client.post("/language", data={"locale": "th", "next": "/glossary?q=mql"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/glossary?q=mql")
    db.session.refresh(client.user)
    assert client.user.locale == "th"


def test_the_switcher_works_before_signing_in_and_refuses_foreign_targets(client):
    response = client.post("/language", data={"locale": "th", "next": "https://evil.example/"})
    assert response.status_code == 303 and "evil" not in response.headers["Location"]
    assert html_lang(client.get("/login")) == "th"
    client.post("/language", data={"locale": "en"})
    assert html_lang(client.get("/login", headers=THAI_ACCEPT)) == "en"


def test_the_header_offers_each_language_named_in_itself(client):
    text = client.get("/login").get_data(as_text=True)
    assert 'lang="th"' in text and ">ไทย<" in text and ">English<" in text


@pytest.mark.parametrize("language, zone, expected_datetime, expected_date", [
    ("en", "UTC", "2 Dec 2026, 17:05 UTC", "2 Dec 2026"),
    ("en", "Asia/Bangkok", "3 Dec 2026, 00:05 GMT+7", "3 Dec 2026"),
    ("th", "Asia/Bangkok", "3 ธ.ค. 2569 00:05 GMT+7", "3 ธ.ค. 2569"),
    ("th", "UTC", "2 ธ.ค. 2569 17:05 UTC", "2 ธ.ค. 2569"),
])
def test_times_are_shown_in_the_readers_zone_language_and_era(app, language, zone, expected_datetime, expected_date):
    stored = datetime(2026, 12, 2, 17, 5)  # naive UTC, as every model stores it
    app.config.update(ACCORD_DEFAULT_LOCALE=language, ACCORD_TIMEZONE=zone)
    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert format_datetime(stored) == expected_datetime
        assert format_date(stored) == expected_date
        assert format_date(date(2026, 12, 2)).startswith("2 ")  # a calendar day is never shifted
        assert format_datetime(None) == "" and format_date(None) == ""


def test_a_signed_in_persons_zone_moves_the_times_on_pages(login_as, db):
    client = login_as("admin")
    client.post("/account/preferences", data={"locale": "th", "timezone": "Asia/Bangkok"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "2569" in page or "2570" in page  # the audit log lists the preference change in the Buddhist era
    assert "GMT+7" in page


def test_why_a_version_changes_reads_in_english_for_tools_and_in_thai_on_pages(app):
    from app.i18n import translated
    from app.sla.diff import change_reasons, compare_documents

    stage = {"key": "mql", "name": "MQL", "team": "marketing", "definition": "d", "deprecated": False,
             "superseded_by": None, "position": 1, "owner_team": "marketing", "entry_criteria": "e",
             "exit_criteria": "", "score_threshold": 50}
    old = {"version": "1.0.0", "sections": {"lifecycle_stages": [stage]}}
    new = {"version": None, "sections": {"lifecycle_stages": [{**stage, "score_threshold": 60}]}}
    (kind, reason), = change_reasons(compare_documents(old, new))
    assert (kind, reason) == ("minor", "changes the score threshold of the lifecycle stage 'MQL'")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert translated(reason) == "changes the score threshold of the lifecycle stage 'MQL'"
    with app.test_request_context("/", headers={"Accept-Language": "th"}):
        thai = translated(reason)
    assert "MQL" in thai and "score" not in thai and "lifecycle" not in thai
    assert translated("plain text") == "plain text"
