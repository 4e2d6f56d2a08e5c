"""The review page: who may see it, the diff it opens on, the number and why, the sign-off panel."""
import re

import pytest

from app.extensions import db as _db
from app.models import Entry
from app.versions.services import approve_version
from tests.test_review_support import (HX, client_for, current, draft, in_review,  # noqa: F401
                                       people, text)

PRINCIPALS = ["anonymous", "reader", "editor", "approver", "admin"]
PERSON = {"reader": "reader", "editor": "editor", "approver": "marketing", "admin": "admin"}


def client_as(app, people, principal):
    return client_for(app, people[PERSON[principal]] if principal != "anonymous" else None)


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("state", ["nothing open", "draft", "in review"])
def test_who_may_see_the_review_page(app, people, current, principal, state, request):
    if state != "nothing open":
        request.getfixturevalue("in_review" if state == "in review" else "draft")
    response = client_as(app, people, principal).get("/review")
    if principal == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif principal == "reader":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert "HX-Request" in response.headers["Vary"]


def test_nothing_in_review_says_so_and_links_to_the_draft(app, people, current):
    html = text(client_for(app, people["editor"]).get("/review"))
    assert "Nothing is in review." in html
    assert 'href="/draft"' in html
    assert "Version 1.0.0 is the agreement in force." in html


def test_the_version_under_review_opens_on_its_diff(app, people, in_review):
    html = text(client_for(app, people["marketing"]).get("/review"))
    assert "compared with\nversion 1.0.0" in html or "version 1.0.0, the agreement in force" in html
    section = html.split('id="diff-lifecycle_stages"', 1)[1].split("</section>", 1)[0]
    assert "Marketing Qualified Lead" in section and "<code>mql</code>" in section
    assert "Score threshold" in section
    assert "<del>50</del>" in section and "<ins>60</ins>" in section
    assert 'id="diff-terms"' not in html, "unchanged sections are not shown"


def test_word_level_highlighting_of_changed_prose(app, people, draft):
    entry = next(e for e in draft.entries if e.key == "icp-fit")
    entry.definition = "A company that closely matches the ICP."
    _db.session.commit()
    html = text(client_for(app, people["editor"]).get("/review"))
    section = html.split('id="diff-terms"', 1)[1].split("</section>", 1)[0]
    assert "A company that<ins> closely</ins> matches the ICP." in section
    assert "<del>" not in section.split("Definition", 1)[1].split("</td>", 1)[0]


def test_added_and_removed_entries_and_breaking_changes(app, people, draft):
    icp_fit = next(e for e in draft.entries if e.key == "icp-fit")
    _db.session.delete(icp_fit)
    draft.entries.append(Entry(section="terms", key="sal", name="Sales Accepted Lead", team="sales",
                               definition="Accepted by sales.", fields={"synonyms": [], "related": []}))
    _db.session.commit()
    html = text(client_for(app, people["editor"]).get("/review"))
    assert "It will be published as <strong class=\"version-number\">2.0.0</strong>" in html
    assert "a <strong>major</strong> change" in html
    breaking = html.split("<h3>Breaking changes</h3>", 1)[1].split("</ul>", 1)[0]
    assert breaking.count("<li>") == 1 and "icp-fit" in breaking
    assert re.search(r'badge-added">added</span> Sales Accepted Lead <code>sal</code>', html)
    assert re.search(r'badge-removed">removed</span> <del>ICP fit <code>icp-fit</code></del>', html)


def test_the_number_it_will_get_and_why(app, people, in_review):
    html = text(client_for(app, people["sales"]).get("/review"))
    assert 'published as <strong class="version-number">1.1.0</strong>' in html
    assert "a <strong>minor</strong> change" in html
    why = html.split("<h3>Why</h3>", 1)[1].split("</ul>", 1)[0]
    assert "score threshold" in why and "Marketing Qualified Lead" in why
    assert "Breaking changes" not in html


def test_a_draft_that_changes_nothing_has_no_number(app, people, current):
    from app.versions.services import open_draft
    open_draft(by=people["editor"])
    html = text(client_for(app, people["editor"]).get("/review"))
    assert "It changes nothing yet, so it has no number." in html
    assert "No changes against the published version." in html


def panel(html: str) -> str:
    return html.split('id="status-panel"', 1)[1].split("</article>", 1)[0]


def test_status_panel_shows_who_approved_and_who_is_pending(app, people, in_review):
    approve_version(in_review, people["marketing"])
    html = panel(text(client_for(app, people["sales"]).get("/review")))
    assert re.search(r"<strong>Marketing</strong>:\s*approved by Mara Marketing, \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC", html)
    assert re.search(r"<strong>Sales</strong>:\s*pending", html)
    assert "Approve for Sales" in html and "Send back" in html


@pytest.mark.parametrize("who,approve_button,send_back", [
    ("marketing", "Approve for Marketing", True),
    ("sales", "Approve for Sales", True),
    ("admin", "Approve for Sales", True),   # an admin of a required team ranks as an approver
    ("cs", None, False),                     # customer-success does not sign
    ("editor", None, False),
    ("sales_editor", None, False),
])
def test_sign_off_buttons_depend_on_role_and_team(app, people, in_review, who, approve_button, send_back):
    html = panel(text(client_for(app, people[who]).get("/review")))
    if approve_button:
        assert f">{approve_button}</button>" in html
    else:
        assert "Approve for" not in html
    assert ("Send back to draft" in html) is send_back
    assert "Submit for review" not in html


def test_an_approver_who_edited_sees_why_they_cannot_approve(app, people, in_review):
    mql = next(e for e in in_review.entries if e.key == "mql")
    assert mql.updated_by_id == people["editor"].id
    people["editor"].role = "approver"
    _db.session.commit()
    html = panel(text(client_for(app, people["editor"]).get("/review")))
    assert "Approve for" not in html
    assert "does not allow approving your own edits" in html


def test_a_team_that_signed_has_no_approve_button(app, people, in_review):
    approve_version(in_review, people["marketing"])
    html = panel(text(client_for(app, people["marketing2"]).get("/review")))
    assert "Approve for" not in html and "Send back to draft" in html


@pytest.mark.parametrize("who,sees", [("editor", True), ("admin", True), ("marketing", True)])
def test_a_draft_offers_submit_for_review_to_editors_and_above(app, people, draft, who, sees):
    html = text(client_for(app, people[who]).get("/review"))
    assert "Nothing is in review yet" in html and 'href="/draft"' in html
    assert ("Submit for review" in html) is sees
    assert "Approve for" not in html


def test_a_sent_back_draft_shows_the_reason(app, people, in_review):
    from app.versions.services import send_back_version
    send_back_version(in_review, people["sales"], "Check the **threshold** with SDRs.")
    html = panel(text(client_for(app, people["editor"]).get("/review")))
    assert "Sent back" in html and "Check the **threshold** with SDRs." in html


def test_htmx_get_returns_the_content_block(app, people, in_review):
    response = client_for(app, people["marketing"]).get("/review", headers=HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html and 'id="status-panel"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_review_is_in_the_nav_for_editors_only(app, people, current):
    assert 'href="/review"' in text(client_for(app, people["editor"]).get("/"))
    assert 'href="/review"' not in text(client_for(app, people["reader"]).get("/"))
