"""In Chromium: a new hire searches the glossary as they type, reads a term, follows a link, checks its
history and acknowledges the version; a new minor version asks again; print shows the whole agreement."""
import re

import pytest
from playwright.sync_api import expect

from app.sla.sections import SECTION_LIST
from app.transactions import transaction
from tests.conftest import PASSWORD
from tests.test_reading_sample import MQL_DEFINITION_V2, publish_sample

pytestmark = pytest.mark.browser
NEW_HIRE = "nora@example.com"


@pytest.fixture
def agreement(live_server):
    from app.admin.services import create_user
    # The test publishes 1.1.0 beside the server: it must not answer with what it knew a moment
    # before (for ACCORD_CURRENT_TTL, as a deployment may), so it reads afresh every time.
    live_server.app.config["ACCORD_CURRENT_TTL"] = 0
    with live_server.app.app_context(), transaction():
        approvers = [create_user("mia@example.com", "Mia Marketing", "marketing", "approver", PASSWORD),
                     create_user("sam@example.com", "Sam Sales", "sales", "approver", PASSWORD)]
        publish_sample("1.0.0", approvers=approvers)
        create_user(NEW_HIRE, "Nora Newhire", "sales", "reader", PASSWORD)
    return live_server


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def sign_in(page, email=NEW_HIRE):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


def test_a_new_hire_reads_searches_and_acknowledges(page, agreement, console_errors):
    sign_in(page)
    expect(page.get_by_role("heading", name="Sales & Marketing SLA")).to_be_visible()
    page.get_by_role("link", name="Glossary", exact=True).click()
    expect(page.locator(".term-list > li")).to_have_count(10)

    search = page.get_by_label("Search terms")
    page.wait_for_load_state("load")  # htmx listens from here on: a key pressed before it is lost
    search.press_sequentially("m", delay=40)
    # A search answers in milliseconds; the allowance is for a machine running two suites at once.
    expect(page.get_by_role("status")).to_contain_text("match “m”", timeout=15_000)
    broad = page.locator(".term-list > li").count()
    search.press_sequentially("ql", delay=40)
    expect(page.get_by_role("status")).to_contain_text("match “mql”", timeout=15_000)
    assert page.locator(".term-list > li").count() < broad  # the results narrow as they type
    expect(page).to_have_url(re.compile(r"/glossary\?q=mql"))  # a search can be shared
    expect(page.locator(".term-list mark").first).to_have_text(re.compile("mql", re.I))

    page.get_by_role("link", name="Marketing Qualified Lead").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Marketing Qualified Lead")
    page.locator(".definition").get_by_role("link", name="Sales Qualified Lead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sales Qualified Lead")
    page.get_by_role("link", name=re.compile("^History:")).click()
    expect(page).to_have_url(re.compile("#history$"))
    history = page.locator("#history")
    expect(history.get_by_role("heading", name=re.compile("Version 1.0.0"))).to_be_in_viewport()

    banner = page.get_by_role("complementary").filter(has_text="Please read version 1.0.0")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="I have read version 1.0.0").click()
    expect(page.get_by_role("status").filter(has_text="you have confirmed reading version 1.0.0")).to_be_visible()
    expect(page.locator(".ack-banner")).to_have_count(0)

    with agreement.app.app_context(), transaction():
        publish_sample("1.1.0", mql_definition=MQL_DEFINITION_V2)
    page.goto("/terms/mql")
    banner = page.locator(".ack-banner")
    expect(banner).to_contain_text("Version 1.1.0 of the agreement changes what you read in version 1.0.0")
    link = banner.get_by_role("link", name=re.compile("what changed"))
    expect(link).to_have_attribute("href", "/compare?from=1.0.0&to=1.1.0")
    link.click()
    expect(page).to_have_url(re.compile(r"/compare\?from=1\.0\.0&to=1\.1\.0"))
    expect(page.locator("ins").first).to_be_visible()
    page.go_back()
    banner = page.locator(".ack-banner")
    expect(page.locator("#history ins").first).to_be_visible()  # how MQL used to be defined, word by word
    banner.get_by_role("button", name="I have read version 1.1.0").click()
    expect(page.locator(".ack-banner")).to_have_count(0)
    assert console_errors == []


def test_print_shows_every_section_with_the_signatures(page, agreement, console_errors):
    sign_in(page)
    page.goto("/print")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sales & Marketing SLA")
    signatures = page.locator("table.signature-table")
    expect(signatures).to_contain_text("Mia Marketing")
    expect(signatures).to_contain_text("Sam Sales")
    for section in SECTION_LIST:
        expect(page.get_by_role("heading", level=2, name=section.title, exact=True)).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    assert console_errors == []


def test_keyboard_only_search_and_a_narrow_screen(page, agreement, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page)
    page.goto("/glossary")
    page.get_by_label("Search terms").focus()
    page.keyboard.type("hand", delay=40)
    expect(page.get_by_role("status")).to_contain_text(re.compile("match(es)? “hand”"))
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")  # the section filter
    page.keyboard.press("Tab")  # the team filter
    page.keyboard.press("Tab")  # the first result
    expect(page.locator(":focus")).to_have_text("Handover")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Handover")
    for url in ("/", "/glossary", "/terms/mql", "/print"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (url, overflow)
    assert console_errors == []
