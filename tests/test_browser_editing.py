"""In Chromium: an editor adds, edits, reorders, deprecates and deletes deal stages; a stale save meets the conflict view."""
import re

import pytest
from playwright.sync_api import expect

from app.admin.services import create_user
from app.transactions import transaction
from tests.conftest import PASSWORD
from tests.factories import make_draft, make_entry

pytestmark = pytest.mark.browser


@pytest.fixture
def pipeline(live_server):
    """A draft with three deal stages, and two editors, in the live server's database."""
    with live_server.app.app_context(), transaction():
        make_draft([
            make_entry("deal_stages", "discovery", "Discovery", position=1, probability=0.1),
            make_entry("deal_stages", "quote", "Quote presented", position=2, probability=0.6),
            make_entry("deal_stages", "won", "Closed won", position=3, probability=1.0, is_closed=True, is_won=True),
        ])
        create_user("erin@example.com", "Erin Editor", "marketing", "editor", PASSWORD)
        create_user("sam@example.com", "Sam Sales", "sales", "editor", PASSWORD)


def sign_in(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


def stage_titles(page):
    return [t.strip() for t in page.locator("#entry-list article h3").all_inner_texts()]


def entry(page, name):
    """The entry as it reads (its accessible name is its heading: position and name)."""
    return page.get_by_role("article", name=re.compile(rf"^(\d+\. )?{re.escape(name)}$"))


def test_an_editor_curates_the_deal_stages(page, browser, live_server, pipeline):
    sign_in(page, "erin@example.com")
    page.goto("/draft")
    page.get_by_role("link", name="Deal stages").click()
    expect(page.get_by_role("heading", name="Deal stages", level=1)).to_be_visible()

    # Add a stage with the inline form; the live preview renders its Markdown.
    add = page.get_by_role("region", name="Add a deal stage")
    add.get_by_role("textbox", name="Name", exact=True).fill("On hold")
    add.get_by_label("Key").fill("on-hold")
    add.get_by_label("Probability").fill("0.2")
    add.get_by_role("textbox", name="Definition", exact=True).fill("Paused by the **buyer**.")
    expect(add.locator(".markdown-preview strong")).to_have_text("buyer")
    add.get_by_role("button", name="Add deal stage").click()
    expect(page.get_by_role("status").filter(has_text="Added “On hold”.")).to_be_visible()
    assert stage_titles(page) == ["1. Discovery", "2. Quote presented", "3. Closed won", "4. On hold"]

    # Edit in place: a wrong probability is flagged as the field is left, then fixed and saved.
    entry(page, "Quote presented").get_by_role("link", name="Edit Quote presented").click()
    form = page.get_by_role("article", name="Editing Quote presented")
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_be_focused()
    probability = form.get_by_label("Probability")
    probability.fill("1.5")
    probability.press("Tab")
    expect(form.get_by_text("Enter a number from 0 to 1.")).to_be_visible()
    expect(form.get_by_label("Probability")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Probability").fill("0.65")
    form.get_by_label("Probability").press("Tab")
    expect(form.get_by_text("Enter a number from 0 to 1.")).to_have_count(0)
    form.get_by_role("button", name="Save").click()
    expect(entry(page, "Quote presented")).to_contain_text("Probability 65%")
    expect(page.get_by_role("link", name="Edit Quote presented")).to_be_focused()

    # Reorder: "On hold" goes up twice.
    page.get_by_role("button", name="Move up On hold").click()
    expect(page.locator("#entry-list article h3").nth(2)).to_have_text("3. On hold")
    page.get_by_role("button", name="Move up On hold").click()
    expect(page.locator("#entry-list article h3").nth(1)).to_have_text("2. On hold")
    assert stage_titles(page) == ["1. Discovery", "2. On hold", "3. Quote presented", "4. Closed won"]

    # Deprecate Discovery in favour of Quote presented.
    page.get_by_role("link", name="Deprecate Discovery").click()
    deprecation = page.get_by_role("article", name=re.compile("Deprecate “Discovery”"))
    deprecation.get_by_label("Superseded by").select_option("quote")
    deprecation.get_by_role("button", name="Deprecate “Discovery”").click()
    expect(entry(page, "Discovery")).to_contain_text("deprecated")
    expect(entry(page, "Discovery")).to_contain_text("superseded by quote")

    # Delete Closed won, after the confirmation.
    page.get_by_role("link", name="Delete Closed won").click()
    expect(page.get_by_text("Delete “Closed won” (won)?")).to_be_visible()
    page.get_by_role("button", name="Delete “Closed won”").click()
    expect(page.get_by_role("status").filter(has_text="Deleted “Closed won”.")).to_be_visible()
    assert stage_titles(page) == ["1. Discovery", "2. On hold", "3. Quote presented"]

    # A second editor opens "Quote presented" before Erin saves it again: their save is stale.
    other = browser.new_context(base_url=live_server.url)
    sam = other.new_page()
    try:
        sign_in(sam, "sam@example.com")
        sam.goto("/draft/deal_stages")
        sam.get_by_role("link", name="Edit Quote presented").click()
        sam_form = sam.get_by_role("article", name="Editing Quote presented")
        expect(sam_form.get_by_role("textbox", name="Name", exact=True)).to_be_focused()

        page.get_by_role("link", name="Edit Quote presented").click()
        erin_form = page.get_by_role("article", name="Editing Quote presented")
        # The opened form moves focus to its first field; typing before that lands in Name.
        expect(erin_form.get_by_role("textbox", name="Name", exact=True)).to_be_focused()
        erin_form.get_by_role("textbox", name="Definition", exact=True).fill("Erin's wording.")
        erin_form.get_by_role("button", name="Save").click()
        expect(entry(page, "Quote presented")).to_contain_text("Erin's wording.")

        sam_form.get_by_role("textbox", name="Definition", exact=True).fill("Sam's wording.")
        sam_form.get_by_role("button", name="Save").click()
        conflict = sam.get_by_role("article", name="“Quote presented” changed while you were editing it")
        expect(conflict).to_be_visible()
        expect(conflict.get_by_role("alert")).to_contain_text("Erin Editor saved it")
        expect(conflict.get_by_role("row", name=re.compile("Definition"))).to_contain_text("Sam's wording.")
        expect(conflict.get_by_role("row", name=re.compile("Definition"))).to_contain_text("Erin's wording.")
        expect(conflict.get_by_role("link", name="Keep theirs")).to_be_visible()
        conflict.get_by_role("button", name="Overwrite with mine").click()
        expect(entry(sam, "Quote presented")).to_contain_text("Sam's wording.")
    finally:
        other.close()

    page.reload()
    expect(entry(page, "Quote presented")).to_contain_text("Sam's wording.")
