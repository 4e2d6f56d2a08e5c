"""In Chromium: an editor's change trips a blocking consistency check, submitting is refused until it is
fixed, and the approver sees on /review the warning the fixed change still leaves (prose quoting the old
threshold)."""
import re

import pytest
from playwright.sync_api import expect

from app.admin.services import create_user
from app.transactions import transaction
from app.versions.services import open_draft
from tests.conftest import PASSWORD, sign_in_page
from tests.factories import make_entry, make_published

pytestmark = pytest.mark.browser

ORDER_ERROR = "“Sales Qualified Lead” needs a lead score of 80, not more than “Marketing Qualified Lead” (90)"
STALE_WARNING = "“Lead” still says 50, but “Marketing Qualified Lead” now has 60"


@pytest.fixture
def agreement(live_server):
    """1.0.0 with rising thresholds (Lead's exit criteria quote the MQL's 50), its open draft, an editor
    and two approvers."""
    with live_server.app.app_context(), transaction():
        editor = create_user("erin@example.com", "Erin Editor", "marketing", "editor", PASSWORD)
        create_user("mara@example.com", "Mara Marketing", "marketing", "approver", PASSWORD)
        create_user("sol@example.com", "Sol Sales", "sales", "approver", PASSWORD)
        make_published([
            make_entry("lifecycle_stages", "lead", "Lead", position=1, owner_team="marketing",
                       entry_criteria="A known name and company.",
                       exit_criteria="Reaches a lead score of 50 and becomes a Marketing Qualified Lead."),
            make_entry("lifecycle_stages", "mql", "Marketing Qualified Lead", position=2, owner_team="marketing",
                       entry_criteria="Engaged twice in 30 days.", score_threshold=50),
            make_entry("lifecycle_stages", "sql", "Sales Qualified Lead", position=3, owner_team="sales",
                       entry_criteria="Asked to talk to sales.", score_threshold=80),
        ])
        open_draft(by=editor)


def set_mql_threshold(page, threshold):
    page.goto("/draft/lifecycle_stages")
    page.get_by_role("link", name="Edit Marketing Qualified Lead").click()
    form = page.get_by_role("article", name="Editing Marketing Qualified Lead")
    form.get_by_label("Score threshold").fill(str(threshold))
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("article", name=re.compile(r"Marketing Qualified Lead$"))).to_contain_text(
        f"{threshold} points")


def checks_panel(page):
    return page.get_by_role("region", name="Consistency checks")


def test_a_blocking_check_is_fixed_and_the_approver_sees_the_warning(page, live_server, agreement):
    errors = []  # script errors (the refused submit's 409 is logged to the console, as it should be)
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in_page(page, "erin@example.com")

    # A threshold above the next stage's is an error the draft page shows with a link to the section.
    set_mql_threshold(page, 90)
    page.goto("/draft")
    panel = checks_panel(page)
    expect(panel.get_by_role("alert")).to_have_text("1 error must be fixed before the draft can be submitted.")
    error = panel.get_by_role("listitem").filter(has_text=ORDER_ERROR)
    expect(error).to_contain_text("Error")
    error.get_by_role("link", name="Lifecycle stages").click()
    expect(page.get_by_role("heading", name="Lifecycle stages", level=1)).to_be_visible()

    # Submitting is refused, and says why.
    page.goto("/review")
    page.get_by_role("article", name="Sign-off").get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(ORDER_ERROR).first).to_be_visible()
    expect(page.get_by_role("article", name="Sign-off")).not_to_contain_text("in review")

    # Fixed: no error is left, only the warning about the prose still quoting 50; now it submits.
    set_mql_threshold(page, 60)
    page.goto("/draft")
    panel = checks_panel(page)
    expect(panel.get_by_role("alert")).to_have_count(0)
    expect(panel).not_to_contain_text(ORDER_ERROR)
    expect(panel.get_by_role("listitem").filter(has_text=STALE_WARNING)).to_contain_text("Warning")
    page.goto("/review")
    sign_off = page.get_by_role("article", name="Sign-off")
    sign_off.get_by_role("button", name="Submit for review").click()
    expect(sign_off.get_by_role("status")).to_contain_text("Submitted for review")

    # The approver sees the warning beside what they sign.
    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in_page(page, "mara@example.com")
    page.goto("/review")
    panel = checks_panel(page)
    expect(panel.get_by_role("listitem").filter(has_text=STALE_WARNING)).to_contain_text("Warning")
    expect(panel).to_contain_text("Reaches a lead score of 50")
    expect(page.get_by_role("article", name="Sign-off").get_by_role("button", name="Approve for Marketing")) \
        .to_be_visible()
    assert errors == [], errors
