"""In Chromium: a long discussion opens on its newest comments; "Show older comments" adds the
older ones above them, in order, without leaving the page."""
import re

import pytest
from playwright.sync_api import expect

from app.admin.services import create_user
from app.extensions import db
from app.models import Comment
from app.review.services import COMMENTS_PER_PAGE
from app.transactions import transaction
from app.versions.services import open_draft
from tests.conftest import PASSWORD
from tests.factories import make_entry, make_published

pytestmark = pytest.mark.browser
TOTAL = COMMENTS_PER_PAGE + 7


@pytest.fixture
def discussion(live_server):
    """1.0.0 published, a draft, and TOTAL comments on it."""
    with live_server.app.app_context(), transaction():
        editor = create_user("erin@example.com", "Erin Editor", "marketing", "editor", PASSWORD)
        make_published([make_entry("terms", "lead", name="Lead")])
        draft = open_draft(by=editor)
        db.session.add_all([Comment(version_id=draft.id, author_id=editor.id, body=f"Remark **{n}**")
                            for n in range(1, TOTAL + 1)])


def test_show_older_comments_adds_them_above(page, discussion):
    page.goto("/login")
    page.get_by_label("Email").fill("erin@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    page.goto("/review")
    thread = page.locator(".comment-thread .comment-body")
    expect(thread).to_have_count(COMMENTS_PER_PAGE)
    expect(thread.first).to_have_text("Remark 8")
    url = page.url
    page.get_by_role("link", name="Show older comments").click()
    expect(thread).to_have_count(TOTAL)
    expect(thread.first).to_have_text("Remark 1")
    expect(thread.nth(7)).to_have_text("Remark 8")
    expect(page.get_by_role("link", name="Show older comments")).to_have_count(0)
    assert page.url == url, "the page stays where it is"
