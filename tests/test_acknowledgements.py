"""Acknowledgements: recorded once; a patch does not ask again, a minor or major does; the admin report and CSV."""
import csv
import io

import pytest

from app.models import Acknowledgement, Entry
from app.versions.services import open_draft
from tests.factories import edit_entry, make_entry, sign_off
from tests.test_reading_sample import MQL_DEFINITION_V2, publish_sample

BANNER = b'class="ack-banner'


@pytest.fixture
def publish_next(make_user, db):
    """Publish the next version through the real life cycle: {key: {field: value}} edits, None removes."""
    editor = make_user("editor", "marketing")
    approvers = [make_user("approver", "marketing"), make_user("approver", "sales")]

    def publish(**changes):
        draft = open_draft(by=editor)
        for key, fields in changes.items():
            if fields is None:
                db.session.delete(db.session.scalar(db.select(Entry).where(
                    Entry.version_id == draft.id, Entry.key == key)))
                db.session.commit()
            else:
                edit_entry(draft, key, by=editor, **fields)
        return sign_off(draft, editor, approvers)

    return publish


@pytest.fixture
def reader(login_as):
    publish_sample("1.0.0")
    return login_as("reader")


def compare_link(app, old, new):
    """The banner's link to what changed between the two versions."""
    return f'href="/compare?from={old}&amp;to={new}">See what changed since {old}</a>'


def acknowledge(client, number, next_url="/glossary"):
    return client.post("/acknowledgements", data={"version": number, "next": next_url})


def test_a_reader_is_asked_until_they_acknowledge(reader, db):
    assert BANNER in reader.get("/glossary").data
    response = acknowledge(reader, "1.0.0")
    assert response.status_code == 302 and response.headers["Location"] == "/glossary"
    assert db.session.query(Acknowledgement).count() == 1
    page = reader.get("/glossary").data
    assert BANNER not in page
    assert b"You confirmed reading version 1.0.0" in reader.get("/").data


def test_acknowledging_twice_records_once(reader, db):
    acknowledge(reader, "1.0.0")
    response = acknowledge(reader, "1.0.0")
    assert response.status_code == 302
    assert db.session.query(Acknowledgement).count() == 1
    assert b"already confirmed" in reader.get("/glossary").data


@pytest.mark.parametrize("number", ["9.9.9", "", "x" * 30, "1.0.0\x00"])
def test_an_unknown_version_cannot_be_acknowledged(reader, db, number):
    response = acknowledge(reader, number)
    assert response.status_code in (302, 400)
    assert db.session.query(Acknowledgement).count() == 0


def test_a_draft_cannot_be_acknowledged(reader, db):
    from tests.factories import make_draft
    make_draft([make_entry("terms", "d", "D")])
    assert acknowledge(reader, "draft").status_code == 302
    assert db.session.query(Acknowledgement).count() == 0


def test_next_must_stay_on_this_site(reader):
    assert acknowledge(reader, "1.0.0", "https://evil.example/").headers["Location"] == "/"
    assert acknowledge(reader, "1.0.0", "//evil.example/").headers["Location"] == "/"


def test_acknowledging_needs_a_post_and_a_signed_in_user(client):
    publish_sample("1.0.0")
    assert client.get("/acknowledgements").status_code == 405
    response = client.post("/acknowledgements", data={"version": "1.0.0"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_acknowledging_needs_the_csrf_token(app, make_user, db):
    from tests.conftest import sign_in
    publish_sample("1.0.0")
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    sign_in(client, make_user("reader"))
    assert client.post("/acknowledgements", data={"version": "1.0.0"}).status_code == 400
    assert db.session.query(Acknowledgement).count() == 0


CHANGES = {
    "patch": {"mql": {"definition": MQL_DEFINITION_V2}},
    "minor": {"mql": {"score_threshold": 60}},
    "major": {"hot-lead": None},
}


@pytest.mark.parametrize("change,number,asks_again", [
    ("patch", "1.0.1", False), ("minor", "1.1.0", True), ("major", "2.0.0", True)])
def test_a_new_version_asks_again_unless_it_is_a_patch(app, reader, publish_next, change, number, asks_again):
    acknowledge(reader, "1.0.0")
    version = publish_next(**CHANGES[change])
    assert (version.number, version.change) == (number, change)
    page = reader.get("/glossary").get_data(as_text=True)
    assert (BANNER.decode() in page) is asks_again
    if asks_again:
        assert compare_link(app, "1.0.0", number) in page
        assert f"I have read version {number}" in page


def test_patches_after_a_minor_still_ask_about_the_minor(app, reader, publish_next):
    acknowledge(reader, "1.0.0")
    assert publish_next(**CHANGES["minor"]).number == "1.1.0"
    assert publish_next(**CHANGES["patch"]).number == "1.1.1"
    page = reader.get("/glossary").get_data(as_text=True)
    assert "changes what you read in version 1.0.0" in page
    assert compare_link(app, "1.0.0", "1.1.1") in page
    acknowledge(reader, "1.1.1")
    assert BANNER not in reader.get("/glossary").data


def test_acknowledging_the_minor_covers_the_patch_after_it(reader, publish_next):
    publish_next(**CHANGES["minor"])
    acknowledge(reader, "1.1.0")
    publish_next(**CHANGES["patch"])
    assert BANNER not in reader.get("/glossary").data
    assert b"since then only wording changed" in reader.get("/").data


def test_the_home_page_carries_the_prompt_instead_of_the_banner(reader):
    page = reader.get("/").data
    assert BANNER not in page
    assert b"I have read version 1.0.0" in page


def test_the_banner_is_not_in_htmx_fragments(reader):
    assert BANNER not in reader.get("/glossary?q=lead", headers={"HX-Request": "true"}).data


def test_no_banner_for_anonymous_visitors_or_before_any_publish(client, login_as):
    assert BANNER not in client.get("/login").data
    assert BANNER not in login_as("reader").get("/glossary").data


@pytest.fixture
def team_report(login_as, make_user, reader):
    """Marketing: the reader (acknowledged) and Nina (not yet); Sales: Sam (acknowledged); one inactive user."""
    acknowledge(reader, "1.0.0")
    make_user("reader", "marketing", name="Nina Notyet", email="nina@example.com")
    sam = login_as("editor", "sales", name="=Sam Sales", email="sam@example.com")
    acknowledge(sam, "1.0.0")
    make_user("reader", "sales", name="Gone Person", active=False)
    return login_as("admin", "sales", name="Ada Admin")


def test_admins_see_per_team_who_has_and_has_not_acknowledged(team_report):
    page = team_report.get("/admin/acknowledgements").get_data(as_text=True)
    assert "version <strong>1.0.0</strong>" in page
    marketing, sales = page.split('<h2 id="team-1">')[1].split('<h2 id="team-2">')
    assert "Marketing" in marketing and "1 of 2 acknowledged 1.0.0" in marketing
    assert "Nina Notyet" in marketing and "not yet" in marketing
    assert "Sales" in sales and "1 of 2 acknowledged 1.0.0" in sales  # Sam yes, the admin not yet
    assert "Gone Person" not in page


@pytest.mark.parametrize("url", ["/admin/acknowledgements.csv", "/admin/acknowledgements?format=csv"])
def test_the_report_downloads_as_csv(team_report, url):
    response = team_report.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=acknowledgements-1.0.0.csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_email = {row["email"]: row for row in rows}
    assert by_email["nina@example.com"]["acknowledged_current"] == "no"
    assert by_email["nina@example.com"]["last_acknowledged_version"] == ""
    sam = by_email["sam@example.com"]
    assert (sam["team"], sam["acknowledged_current"], sam["last_acknowledged_version"]) == ("Sales", "yes", "1.0.0")
    assert sam["name"] == "'=Sam Sales"  # never a spreadsheet formula
    assert len(rows) == 4


@pytest.mark.parametrize("role", ["reader", "editor", "approver"])
def test_only_admins_see_the_report(login_as, role):
    publish_sample("1.0.0")
    client = login_as(role)
    assert client.get("/admin/acknowledgements").status_code == 403
    assert client.get("/admin/acknowledgements.csv").status_code == 403


def test_the_report_before_any_publish(login_as):
    page = login_as("admin").get("/admin/acknowledgements")
    assert page.status_code == 200 and b"nothing to acknowledge" in page.data
