"""A key suggested from a new entry's name: Thai transliterated, English slugged, never over a key the editor typed."""
import re

import pytest

from app.sla.sections import KEY_PATTERN
from app.text import suggest_key
from tests.factories import make_draft, make_entry
from tests.test_editing_support import html_of, valid_post

HX = {"HX-Request": "true"}
URL = "/draft/key-suggestion"


@pytest.mark.parametrize("name, key", [
    ("ลีดที่ผ่านการคัดกรอง", "lid-thi-phan-kar-khad-krxng"),
    ("Marketing Qualified Lead", "marketing-qualified-lead"),
    ("Marketing Qualified Lead (MQL)", "marketing-qualified-lead-mql"),
    ("SLA ฝ่ายขาย ๒๔ ชม.", "sla-fay-khay-24-chm"),         # mixed, Thai digits become 24
    ("  Café – Straße_v2 ", "cafe-strasse-v2"),            # accents and ß to ASCII, anything else a dash
])
def test_a_name_becomes_a_latin_slug(name, key):
    assert suggest_key(name) == key
    assert re.fullmatch(KEY_PATTERN, key)


@pytest.mark.parametrize("name", ["", None, "   ", "—!?", "😀 💡", "«»"])
def test_a_name_without_letters_or_digits_suggests_nothing(name):
    assert suggest_key(name) == ""


def test_a_long_name_is_cut_at_a_dash_to_fit_the_key_pattern():
    key = suggest_key(" ".join(["pipeline"] * 20))
    assert key == "-".join(["pipeline"] * 7) and len(key) <= 64 and re.fullmatch(KEY_PATTERN, key)
    one_word = suggest_key("x" * 300)
    assert one_word == "x" * 64 and re.fullmatch(KEY_PATTERN, one_word)
    assert re.fullmatch(KEY_PATTERN, suggest_key("ลูกค้าเป้าหมาย" * 20))


# --- the endpoint ------------------------------------------------------------------------------

def draft():
    return make_draft([make_entry("terms", "marketing-qualified-lead", "Marketing Qualified Lead")])


def test_the_suggestion_is_a_fragment_with_a_button_to_use_it(login_as):
    draft()
    response = login_as("editor").get(URL, query_string={"name": "ลูกค้าเป้าหมาย", "key": ""}, headers=HX)
    html = html_of(response)
    assert response.status_code == 200 and "<html" not in html
    assert "<code>lukkha-pea-hmay</code>" in html and 'hx-target="#new-key"' in html
    assert "HX-Request" in response.headers.get("Vary", "")


def test_without_htmx_the_suggestion_is_a_page(login_as):
    draft()
    response = login_as("editor").get(URL, query_string={"name": "ลูกค้าเป้าหมาย"})
    assert response.status_code == 200 and "<html" in html_of(response)
    assert "<code>lukkha-pea-hmay</code>" in html_of(response)


def test_a_key_the_draft_holds_already_gets_a_number(login_as):
    draft()
    html = html_of(login_as("editor").get(URL, query_string={"name": "Marketing Qualified Lead"}, headers=HX))
    assert "<code>marketing-qualified-lead-2</code>" in html


def test_nothing_is_suggested_once_the_editor_typed_a_key_or_for_a_name_without_letters(login_as):
    draft()
    client = login_as("editor")
    assert "<code>" not in html_of(client.get(URL, query_string={"name": "Lead", "key": "my-own"}, headers=HX))
    assert "<code>" not in html_of(client.get(URL, query_string={"name": "?!"}, headers=HX))


def test_using_the_suggestion_answers_the_key_input_filled_with_it(login_as):
    draft()
    html = html_of(login_as("editor").get(URL, query_string={"use": "1", "name": "ลีด", "key": ""}, headers=HX))
    assert re.search(r'<input[^>]* id="new-key"[^>]* name="key"[^>]* value="lid"', html)
    assert 'id="new-key-suggestion" hx-swap-oob="innerHTML"' in html


def test_using_it_never_overwrites_a_key_the_editor_typed_meanwhile(login_as):
    draft()
    html = html_of(login_as("editor").get(URL, query_string={"use": "1", "name": "ลีด", "key": "lead-th"}, headers=HX))
    assert 'value="lead-th"' in html and 'value="lid"' not in html


def test_hostile_names_stay_escaped(login_as):
    draft()
    html = html_of(login_as("editor").get(URL, query_string={"name": "<script>alert(1)</script>" * 50}, headers=HX))
    assert "<script" not in html and "<code>script-alert-1-script" in html


@pytest.mark.parametrize("role", ["reader"])
def test_readers_are_refused(login_as, role):
    draft()
    assert login_as(role).get(URL, query_string={"name": "Lead"}, headers=HX).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    draft()
    response = client.get(URL, query_string={"name": "Lead"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_new_entry_form_asks_for_suggestions_and_an_entry_form_does_not(login_as):
    draft()
    client = login_as("editor")
    section = html_of(client.get("/draft/terms"))
    assert 'id="new-key-suggestion"' in section and 'hx-get="/draft/key-suggestion"' in section
    edit = html_of(client.get("/draft/terms/marketing-qualified-lead/edit"))
    assert "key-suggestion" not in edit


def test_a_form_sent_back_with_a_name_and_no_key_asks_for_its_suggestion_at_once(login_as):
    draft()
    response = login_as("editor").post("/draft/terms", data=valid_post("terms", key="", name="ลูกค้าเป้าหมาย"))
    assert response.status_code == 422 and 'hx-trigger="load, input delay:300ms' in html_of(response)


@pytest.mark.browser
def test_in_chromium_typing_a_thai_name_suggests_a_key_the_editor_may_take(page, live_server):
    from playwright.sync_api import expect

    from app.admin.services import create_user
    from app.transactions import transaction
    from tests.conftest import PASSWORD
    from tests.test_browser_editing import sign_in

    with live_server.app.app_context(), transaction():
        draft()
        create_user("erin@example.com", "Erin Editor", "marketing", "editor", PASSWORD)
    sign_in(page, "erin@example.com")
    page.goto("/draft/terms")
    form = page.locator("form.entry-form")
    form.get_by_role("textbox", name="Name", exact=True).press_sequentially("ลูกค้าเป้าหมาย")
    hint = page.locator("#new-key-suggestion")
    expect(hint.locator("code")).to_have_text("lukkha-pea-hmay", timeout=15_000)
    expect(form.get_by_role("textbox", name="Key", exact=True)).to_have_value("")  # only a suggestion: nothing is filled in unasked
    hint.get_by_role("button", name="Use this key").click()
    expect(form.get_by_role("textbox", name="Key", exact=True)).to_have_value("lukkha-pea-hmay", timeout=15_000)
    expect(hint).to_be_empty()
    form.get_by_role("textbox", name="Key", exact=True).fill("target-customer")  # the editor's own key stays theirs
    with page.expect_response(lambda response: "/draft/key-suggestion" in response.url, timeout=15_000):
        form.get_by_role("textbox", name="Name", exact=True).press_sequentially(" ใหม่")
    expect(hint).to_be_empty()
    expect(form.get_by_role("textbox", name="Key", exact=True)).to_have_value("target-customer")
