"""The home page: the current agreement, its signatures, what changed last, sections; the open version for editors."""
import pytest

from app.i18n import format_date
from tests.factories import make_draft, make_entry
from tests.test_reading_sample import MQL_DEFINITION_V2, publish_sample


def test_before_any_publish_a_friendly_empty_state(login_as):
    response = login_as("reader").get("/")
    assert response.status_code == 200
    assert b"No version of the agreement has been published yet" in response.data


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_home_shows_version_dates_signatures_and_sections(app, login_as, make_user):
    approvers = [make_user("approver", "marketing", name="Mia Marketing"),
                 make_user("approver", "sales", name="Sam Sales")]
    version = publish_sample(approvers=approvers)
    page = login_as("reader").get("/").get_data(as_text=True)
    assert "Version <strong>1.0.0</strong>" in page
    with app.test_request_context("/"):
        day = format_date(version.effective_from)  # e.g. 1 Dec 2026 (tests/test_i18n.py checks the format)
    assert f"in force from <strong>{day}</strong>" in page
    assert "<strong>Marketing</strong>: Mia Marketing" in page
    assert "<strong>Sales</strong>: Sam Sales" in page
    assert "This is the first published version" in page
    assert 'href="/glossary?section=lifecycle_stages">Lifecycle stages</a>' in page
    assert "3 entries" in page  # lead, mql, sql
    assert "0 entries" in page  # e.g. commitments


def test_home_says_what_changed_from_the_previous_version(login_as):
    publish_sample("1.0.0")
    publish_sample("1.0.1", mql_definition=MQL_DEFINITION_V2,
                   extra=[make_entry("terms", "nurture", "Nurture")])
    page = login_as("reader").get("/").get_data(as_text=True)
    assert "What changed from version 1.0.0" in page
    assert "1 added, 1 changed, 0 removed" in page
    assert "Adds the term &#39;Nurture&#39;" in page
    assert "Marketing Qualified Lead" in page


@pytest.mark.parametrize("role,sees_open", [("reader", False), ("editor", True), ("approver", True), ("admin", True)])
def test_the_open_version_is_for_editors_and_above(login_as, role, sees_open):
    publish_sample()
    make_draft([make_entry("terms", "draft-only", "Secret draft term")])
    page = login_as(role).get("/").get_data(as_text=True)
    assert ("A draft of the next version is open" in page) is sees_open
    assert ('href="/draft"' in page) is sees_open
    assert "Secret draft term" not in page


def test_a_version_in_review_links_to_the_review(login_as, db):
    publish_sample()
    draft = make_draft([make_entry("terms", "x", "X")])
    draft.state = "in_review"
    db.session.commit()
    page = login_as("approver").get("/").get_data(as_text=True)
    assert "waiting for sign-off" in page and 'href="/review"' in page
