"""In Chromium: sign in through the form, change the password under Account, refused redirects and passwords."""
import re

import pytest
from playwright.sync_api import expect

from app.transactions import transaction
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(live_server):
    from app.admin.services import create_user
    with live_server.app.app_context(), transaction():
        user = create_user("eve@example.com", "Eve Editor", "marketing", "editor", PASSWORD)
        return user.email


def test_sign_in_through_the_form_shows_the_home_page(page, editor):
    page.goto("/login")
    page.get_by_label("Email").fill(editor)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out Eve Editor"))).to_be_visible()
    expect(page.get_by_role("link", name="Draft")).to_be_visible()
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)


def test_wrong_password_shows_a_message(page, editor):
    page.goto("/login")
    page.get_by_label("Email").fill(editor)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password")


def test_no_console_errors_or_csp_violations_on_the_login_page(page, live_server):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/login")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof htmx") == "object"
    assert errors == []


def test_change_the_password_under_account_then_sign_in_with_it(page, editor):
    new_password = "a brand new passphrase"
    page.goto("/login")
    page.get_by_label("Email").fill(editor)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Account", exact=True).click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_label("Current password").fill(PASSWORD)
    # The label reads "New password *": the asterisk is hidden from screen readers, not from the label's text.
    page.get_by_label(re.compile(r"^New password\W*$")).fill(new_password)
    page.get_by_label("New password again").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed")).to_be_visible()
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.get_by_label("Email").fill(editor)
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out Eve Editor"))).to_be_visible()


def test_a_next_that_leaves_the_site_lands_on_the_home_page(page, editor, live_server):
    page.goto("/login?next=/%09/evil.example/phish")
    page.get_by_label("Email").fill(editor)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out Eve Editor"))).to_be_visible()
    assert page.url == live_server.url + "/"
