"""In Chromium: Thai typed through an input method or pasted narrows the glossary results as it
arrives, the URL follows without a history entry per pause, and Back restores the box and results."""
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from app.transactions import transaction
from tests.conftest import PASSWORD, sign_in_page
from tests.factories import make_published
from tests.test_thai_search import corpus_entries

pytestmark = pytest.mark.browser
READER = "nok@example.com"


@pytest.fixture
def thai_glossary(live_server):
    from app.admin.services import create_user
    with live_server.app.app_context():
        make_published(corpus_entries())
        with transaction():
            create_user(READER, "Nok Reader", "sales", "reader", PASSWORD)
    return live_server


def test_thai_composed_and_pasted_narrows_results_and_back_restores_them(page, thai_glossary):
    sign_in_page(page, READER)
    page.goto("/glossary")
    search = page.get_by_label("Search terms")
    search.focus()
    # An input method composes ลูก, then commits ลูกค้า: input events only, never a keyup.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.imeSetComposition", {"text": "ลูก", "selectionStart": 3, "selectionEnd": 3})
    cdp.send("Input.insertText", {"text": "ลูกค้า"})
    expect(search).to_have_value("ลูกค้า")
    status = page.get_by_role("status")
    expect(status).to_contain_text("“ลูกค้า”")
    broad = page.locator(".term-list > li").count()
    assert broad > 1
    expect(page).to_have_url(re.compile(re.escape(quote("ลูกค้า"))))

    # Pasting more narrows them (a paste sends input, not keys).
    search.press("End")
    page.keyboard.insert_text("เป้าหมาย")
    expect(status).to_contain_text("“ลูกค้าเป้าหมาย”")
    expect(page.locator(".term-list > li").first).to_contain_text("ลูกค้าเป้าหมาย")
    assert page.locator(".term-list > li").count() < broad
    expect(page.locator(".term-list > li").first.locator(".term-name mark")).to_have_text(["ลูกค้าเป้าหมาย"])

    page.get_by_role("link", name="ลูกค้าเป้าหมาย").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ลูกค้าเป้าหมาย")
    page.go_back()
    expect(page.get_by_label("Search terms")).to_have_value("ลูกค้าเป้าหมาย")
    expect(page.locator(".term-list > li").first).to_contain_text("ลูกค้าเป้าหมาย")
    page.go_back()  # typing replaced the URL: one step back leaves the glossary's first address
    expect(page).not_to_have_url(re.compile(r"q="))
