"""In Chromium, end to end in Thai: a reader switches the interface with the header's switcher, finds
no English left in the navigation, searches the glossary through an input method and by pasting,
comes back with Back, and reads dates in the Buddhist era in the time zone they chose on /account."""
import re
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from app.transactions import transaction
from tests.conftest import PASSWORD, sign_in_page
from tests.factories import make_published
from tests.test_thai_search import corpus_entries

pytestmark = pytest.mark.browser
READER = "kanda@example.com"
# Latin words the Thai header may still show: the product, the switcher's own name for English, the reader.
HEADER_LATIN = {"Accord", "English", "Kanda", "Reader"}
# Record what an input method sends, to know the search was typed through one.
COMPOSITION_LOG = """
window.compositionLog = [];
for (const kind of ["compositionstart", "compositionend"]) {
  document.addEventListener(kind, () => window.compositionLog.push(kind), true);
}
"""
# A paste as the browser reports it: beforeinput and input of type insertFromPaste at the caret.
PASTE = """
(box, text) => {
  box.focus();
  const end = box.value.length;
  box.setSelectionRange(end, end);
  box.dispatchEvent(new InputEvent("beforeinput", {inputType: "insertFromPaste", data: text, bubbles: true, cancelable: true}));
  box.setRangeText(text, end, end, "end");
  box.dispatchEvent(new InputEvent("input", {inputType: "insertFromPaste", data: text, bubbles: true}));
}
"""


@pytest.fixture
def browser_context_args(browser_context_args):
    """A browser that asks for English: the switch to Thai is the reader's own."""
    return {**browser_context_args, "locale": "en-US"}


@pytest.fixture
def thai_agreement(live_server):
    """The Thai corpus, published, and a reader; the portal's zone is UTC."""
    from app.admin.services import create_user
    live_server.app.config["ACCORD_CURRENT_TTL"] = 0  # published beside the server: read it afresh
    live_server.app.config["ACCORD_TIMEZONE"] = "UTC"
    with live_server.app.app_context():
        version = make_published(corpus_entries())
        with transaction():
            create_user(READER, "Kanda Reader", "sales", "reader", PASSWORD)
        live_server.published_at = version.published_at
    return live_server


def switch_to_thai(page):
    page.get_by_role("form", name="Language").get_by_role("button", name="ไทย").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")


def test_a_thai_reader_sees_thai_searches_by_input_method_and_paste_and_reads_buddhist_dates(page, thai_agreement):
    page.add_init_script(COMPOSITION_LOG)
    sign_in_page(page, READER)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_to_thai(page)

    header = page.get_by_role("navigation", name="เมนูหลัก")
    for label in ("ข้อตกลง", "อภิธานศัพท์", "เวอร์ชัน", "บัญชี"):
        expect(header.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(header.get_by_role("button", name="ออกจากระบบ (Kanda Reader)")).to_be_visible()
    assert set(re.findall(r"[A-Za-z]{2,}", header.inner_text())) <= HEADER_LATIN
    more = page.get_by_role("navigation", name="เพิ่มเติม")
    expect(more).to_contain_text("ข้อตกลงฉบับพิมพ์")
    assert not re.search(r"[A-Za-z]{2,}", more.inner_text().replace("Markdown", "").replace("A–Z", ""))

    # Glossary: an input method composes ลูกค้า one cluster at a time, then commits it.
    header.get_by_role("link", name="อภิธานศัพท์", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("อภิธานศัพท์")
    page.wait_for_load_state("load")  # htmx listens from here on
    search = page.get_by_label("ค้นหาคำศัพท์")
    search.focus()
    cdp = page.context.new_cdp_session(page)
    for typed in ("ล", "ลู", "ลูก", "ลูกค", "ลูกค้", "ลูกค้า"):
        cdp.send("Input.imeSetComposition", {"text": typed, "selectionStart": len(typed), "selectionEnd": len(typed)})
    cdp.send("Input.insertText", {"text": "ลูกค้า"})
    expect(search).to_have_value("ลูกค้า")
    page.wait_for_function("window.compositionLog.includes('compositionstart')"
                           " && window.compositionLog.includes('compositionend')")
    status = page.get_by_role("status")
    # A search answers in milliseconds; the allowance is for a machine running several suites at once.
    expect(status).to_contain_text(re.compile(r"พบ \d+ คำที่ตรงกับ “ลูกค้า”"), timeout=15_000)
    broad = page.locator(".term-list > li").count()
    assert broad > 1

    # A pasted word narrows them again.
    search.evaluate(PASTE, "เป้าหมาย")
    expect(search).to_have_value("ลูกค้าเป้าหมาย")
    expect(status).to_contain_text("“ลูกค้าเป้าหมาย”", timeout=15_000)
    expect(page.locator(".term-list > li").first).to_contain_text("ลูกค้าเป้าหมาย")
    assert page.locator(".term-list > li").count() < broad

    # A term's page, then Back: the box and its results as they were, still in Thai.
    page.get_by_role("link", name="ลูกค้าเป้าหมาย").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ลูกค้าเป้าหมาย")
    expect(page.get_by_role("heading", name="คำนิยาม")).to_be_visible()
    page.go_back()
    expect(page.get_by_label("ค้นหาคำศัพท์")).to_have_value("ลูกค้าเป้าหมาย")
    expect(page.get_by_role("status")).to_contain_text("“ลูกค้าเป้าหมาย”")
    expect(page.locator(".term-list > li").first).to_contain_text("ลูกค้าเป้าหมาย")

    # Dates: the Buddhist era, in UTC until the reader chooses Bangkok on /account.
    bangkok = thai_agreement.published_at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Asia/Bangkok"))
    in_bangkok = f"{bangkok.year + 543} {bangkok:%H:%M} GMT+7"
    page.goto("/print")
    published = page.locator(".print-header p").first
    expect(published).to_contain_text("เผยแพร่เมื่อ")
    expect(published).not_to_contain_text("GMT+7")

    page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="บัญชี", exact=True).click()
    page.get_by_label("เขตเวลา", exact=True).select_option("Asia/Bangkok")
    page.get_by_role("button", name="บันทึกภาษาและเขตเวลา").click()
    expect(page.get_by_role("status").filter(has_text="บันทึกภาษาและเขตเวลาของคุณแล้ว")).to_be_visible()

    page.goto("/print")
    expect(page.locator(".print-header p").first).to_contain_text(in_bangkok)
    page.goto("/")
    expect(page.locator("hgroup")).to_contain_text(f"เผยแพร่เมื่อ {bangkok.day} ")
    expect(page.locator("hgroup")).to_contain_text(str(bangkok.year + 543))
