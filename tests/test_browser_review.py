"""In Chromium: an editor submits the draft, both approvers see the change and sign, 1.1.0 is
published; the next version is sent back with a reason and returns to draft."""
import re

import pytest
from playwright.sync_api import expect

from app.admin.services import create_user
from app.extensions import db
from app.versions.services import open_draft
from app.transactions import transaction
from tests.conftest import PASSWORD
from tests.factories import make_entry, make_published

pytestmark = pytest.mark.browser


@pytest.fixture
def agreement(live_server):
    """1.0.0 published, a draft raising the MQL threshold from 50 to 60, an editor and two approvers."""
    with live_server.app.app_context(), transaction():
        editor = create_user("erin@example.com", "Erin Editor", "marketing", "editor", PASSWORD)
        create_user("mara@example.com", "Mara Marketing", "marketing", "approver", PASSWORD)
        create_user("sol@example.com", "Sol Sales", "sales", "approver", PASSWORD)
        make_published([
            make_entry("lifecycle_stages", "mql", "Marketing Qualified Lead", position=3, owner_team="marketing",
                       entry_criteria="Engaged twice in 30 days.", score_threshold=50),
            make_entry("lifecycle_stages", "sql", "Sales Qualified Lead", position=4, owner_team="sales",
                       entry_criteria="Asked to talk to sales."),
        ])
        raise_threshold(editor, 60)


def raise_threshold(editor, threshold):
    draft = open_draft(by=editor)
    mql = next(e for e in draft.entries if e.key == "mql")
    mql.fields = {**mql.fields, "score_threshold": threshold}
    mql.updated_by_id = editor.id
    db.session.commit()


def sign_in(page, email):
    if page.get_by_role("button", name=re.compile("Sign out")).count():
        page.get_by_role("button", name=re.compile("Sign out")).click()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


def sign_off_panel(page):
    return page.get_by_role("article", name="Sign-off")


def expect_threshold_change(page, old, new):
    stages = page.get_by_role("region", name="Lifecycle stages")
    expect(stages).to_contain_text("Marketing Qualified Lead")
    expect(stages.locator("del")).to_have_text(old)
    expect(stages.locator("ins")).to_have_text(new)
    expect(stages).not_to_contain_text("Sales Qualified Lead")


def approve_as(page, email, team):
    sign_in(page, email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_role("heading", name="Review", level=1)).to_be_visible()
    expect_threshold_change(page, "50", "60")
    expect(page.get_by_text("It will be published as 1.1.0")).to_be_visible()
    panel = sign_off_panel(page)
    panel.get_by_role("button", name=f"Approve for {team}").click()
    expect(panel.get_by_role("status")).to_contain_text(f"Approved for {team}.")


def test_both_teams_sign_and_the_version_is_published(page, live_server, agreement):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # The editor submits the draft from /review and comments on the MQL entry, both through htmx.
    sign_in(page, "erin@example.com")
    page.goto("/review")
    expect(page.get_by_text("Nothing is in review yet")).to_be_visible()
    panel = sign_off_panel(page)
    panel.get_by_role("button", name="Submit for review").click()
    expect(panel.get_by_role("status")).to_contain_text("Submitted for review")
    expect(panel).to_contain_text("in review")
    discussion = page.get_by_role("region", name="Discussion")
    discussion.get_by_label("Comment").fill("Sixty matches what **sales** accepts.")
    discussion.get_by_label("About entry").select_option(label="Marketing Qualified Lead (mql)")
    discussion.get_by_role("button", name="Post comment").click()
    expect(discussion.get_by_role("listitem")).to_have_count(1)
    expect(discussion.locator("strong", has_text="sales")).to_be_visible()

    # Marketing signs: the panel shows its signature and keeps Sales pending.
    approve_as(page, "mara@example.com", "Marketing")
    panel = sign_off_panel(page)
    expect(panel.get_by_role("listitem").filter(has_text="Marketing")).to_contain_text("approved by Mara Marketing")
    expect(panel.get_by_role("listitem").filter(has_text="Sales")).to_contain_text("pending")
    expect(page.get_by_role("complementary", name="Comments on mql")).to_contain_text("Sixty matches")

    # Sales signs last: the version is published as 1.1.0 and the panel links to it.
    approve_as(page, "sol@example.com", "Sales")
    panel = sign_off_panel(page)
    expect(panel).to_contain_text("Published as 1.1.0")
    panel.get_by_role("link", name="see version 1.1.0").click()
    expect(page).to_have_url(re.compile(r"/versions/1\.1\.0$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("1.1.0")
    page.goto("/review")
    expect(page.get_by_text("Nothing is in review.")).to_be_visible()
    assert errors == []


def test_an_approver_sends_the_version_back_with_a_reason(page, live_server, agreement):
    sign_in(page, "erin@example.com")
    page.goto("/review")
    sign_off_panel(page).get_by_role("button", name="Submit for review").click()
    expect(sign_off_panel(page)).to_contain_text("in review")

    sign_in(page, "sol@example.com")
    page.goto("/review")
    expect_threshold_change(page, "50", "60")
    panel = sign_off_panel(page)
    panel.get_by_text("Send back to draft").click()
    panel.get_by_role("button", name="Send back").click()  # no reason yet: refused in place
    panel = sign_off_panel(page)
    expect(panel.get_by_role("alert")).to_contain_text("Give a reason")
    panel.get_by_label("Reason for sending it back").fill("Check sixty with the SDR team first.")
    panel.get_by_role("button", name="Send back").click()
    panel = sign_off_panel(page)
    expect(panel.get_by_role("status")).to_contain_text("Sent back to draft")
    expect(panel).to_contain_text("Check sixty with the SDR team first.")
    expect(panel.get_by_role("button", name="Approve for Sales")).to_have_count(0)

    sign_in(page, "erin@example.com")
    page.goto("/review")
    expect(page.get_by_text("Nothing is in review yet")).to_be_visible()
    expect(sign_off_panel(page)).to_contain_text("Check sixty with the SDR team first.")
    expect(sign_off_panel(page).get_by_role("button", name="Submit for review")).to_be_visible()
