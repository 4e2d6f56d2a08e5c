"""In Chromium: sign in through the form and see the home page; a wrong password is refused."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(live_server):
    from app.admin.services import create_user
    with live_server.app.app_context():
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
