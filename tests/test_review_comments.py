"""The discussion: add_comment's rules, posting with and without htmx, Markdown, comments on entries."""
import re
from datetime import timedelta

import pytest

from app.extensions import db as _db
from app.models import AuditEvent, Comment
from app.models.base import utcnow
from app.review.services import COMMENTS_PER_MINUTE, COMMENTS_PER_PAGE, ReviewError, TooManyComments, add_comment
from app.versions.services import approve_version
from tests.test_review_support import (HX, client_for, current, draft, flashes, in_review,  # noqa: F401
                                       people, text)


def discussion_of(html: str) -> str:
    return html.split('<section id="discussion"', 1)[1].split("</section>", 1)[0]


# --- the service -------------------------------------------------------------------------------

def test_add_comment_saves_and_audits(people, in_review):
    comment = add_comment(in_review, people["sales"], "  Is 60 the right number?  ", entry_key="mql")
    assert comment.id and comment.body == "Is 60 the right number?" and comment.entry_key == "mql"
    event = _db.session.query(AuditEvent).filter_by(action="comment.added").one()
    assert event.user_id == people["sales"].id and event.version_id == in_review.id
    assert event.entry_key == "mql" and "Is 60 the right number?" in event.summary


@pytest.mark.parametrize("who", ["editor", "marketing", "admin"])
def test_editors_and_above_may_comment(people, draft, who):
    assert add_comment(draft, people[who], "Fine by me.").entry_key is None


@pytest.mark.parametrize("body,entry_key,message", [
    ("", None, "Write a comment first."),
    (" \n\t ", None, "Write a comment first."),
    ("x" * 5001, None, "A comment has at most 5,000 characters; this one has 5,001."),
    ("About a ghost", "no-such-entry", "There is no entry 'no-such-entry' in this version."),
])
def test_add_comment_refusals(people, in_review, body, entry_key, message):
    with pytest.raises(ReviewError, match=re.escape(message)):
        add_comment(in_review, people["editor"], body, entry_key=entry_key)
    _db.session.rollback()
    assert _db.session.query(Comment).count() == 0
    assert _db.session.query(AuditEvent).filter_by(action="comment.added").count() == 0


def test_five_thousand_characters_are_allowed(people, in_review):
    assert len(add_comment(in_review, people["editor"], "y" * 5000).body) == 5000


def test_readers_may_not_comment(people, in_review):
    with pytest.raises(ReviewError, match="Only editors, approvers and admins may comment."):
        add_comment(in_review, people["reader"], "Hello")


def test_the_discussion_closes_when_the_version_is_published(people, in_review):
    approve_version(in_review, people["marketing"])
    approve_version(in_review, people["sales"])
    with pytest.raises(ReviewError, match="Version 1.1.0 is published: its discussion is closed."):
        add_comment(in_review, people["editor"], "Too late?")


def test_an_entry_key_only_another_version_has_is_refused(people, current, draft):
    removed = next(e for e in draft.entries if e.key == "icp-fit")
    _db.session.delete(removed)
    _db.session.commit()
    with pytest.raises(ReviewError, match="There is no entry 'icp-fit' in this version."):
        add_comment(draft, people["editor"], "Where did it go?", entry_key="icp-fit")
    _db.session.rollback()
    assert add_comment(draft, people["editor"], "Here.", entry_key="mql").entry_key == "mql"


# --- posting -----------------------------------------------------------------------------------

def test_htmx_post_appends_to_the_thread(app, people, in_review):
    add_comment(in_review, people["editor"], "First.")
    client = client_for(app, people["sales"])
    response = client.post(f"/review/{in_review.id}/comments", data={"body": "Second, on **mql**.",
                                                                      "entry_key": "mql"}, headers=HX)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<section id="discussion"') and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    thread = re.findall(r'<li id="comment-\d+">(.*?)</li>', html, re.S)
    assert len(thread) == 2 and "First." in thread[0]
    assert "Second, on <strong>mql</strong>." in thread[1] and "Sol Sales" in thread[1]
    assert "on <code>mql</code>" in thread[1]
    assert re.search(r'<textarea[^>]*name="body"[^>]*>\s*</textarea>', html), "the form is emptied"


def test_plain_post_redirects_to_the_discussion_with_a_flash(app, people, in_review):
    client = client_for(app, people["editor"])
    response = client.post(f"/review/{in_review.id}/comments", data={"body": "Plain works too."})
    assert response.status_code == 302 and response.headers["Location"] == "/review#discussion"
    page = text(client.get("/review"))
    assert "Comment posted." in page and "Plain works too." in discussion_of(page)


@pytest.mark.parametrize("data,message", [
    ({"body": ""}, "Write a comment first."),
    ({"body": "z" * 5001}, "A comment has at most 5,000 characters."),
    ({"body": "Which one?", "entry_key": "nope"}, "There is no entry &#39;nope&#39; in this version."),
])
@pytest.mark.parametrize("htmx", [True, False])
def test_refused_comments_show_why_and_keep_the_text(app, people, in_review, data, message, htmx):
    response = client_for(app, people["editor"]).post(f"/review/{in_review.id}/comments", data=data,
                                                      headers=HX if htmx else {})
    assert response.status_code == 422
    html = text(response)
    assert message in html
    assert ("<html" in html) is (not htmx)
    if data["body"]:
        assert data["body"][:50] in discussion_of(html)
    assert _db.session.query(Comment).count() == 0


def test_plain_comment_on_a_closed_version_redirects_with_the_reason(app, people, current):
    client = client_for(app, people["editor"])
    response = client.post(f"/review/{current.id}/comments", data={"body": "Late."})
    assert response.status_code == 302
    assert "its discussion is closed" in flashes(client)


def test_markdown_is_rendered_and_sanitised(app, people, in_review):
    body = "Go *now*\n\n<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    add_comment(in_review, people["editor"], body)
    html = discussion_of(text(client_for(app, people["editor"]).get("/review")))
    assert "<em>now</em>" in html
    assert "<script>" not in html and "javascript:" not in html and "onerror" not in html and "<img" not in html


def test_entry_select_offers_the_versions_entries(app, people, in_review):
    html = text(client_for(app, people["editor"]).get("/review"))
    select = html.split('name="entry_key"', 1)[1].split("</select>", 1)[0]
    assert '<option value="">The whole version</option>' in select
    assert '<option value="mql">Marketing Qualified Lead (mql)</option>' in select
    assert '<option value="icp-fit">ICP fit (icp-fit)</option>' in select


def test_comments_on_an_entry_show_beside_it_in_the_diff(app, people, in_review):
    add_comment(in_review, people["sales"], "Sixty is *high*.", entry_key="mql")
    add_comment(in_review, people["sales"], "General remark.")
    html = text(client_for(app, people["marketing"]).get("/review"))
    entry = html.split('id="diff-lifecycle_stages"', 1)[1].split("</section>", 1)[0]
    beside = entry.split('class="entry-comments"', 1)[1]
    assert "Sixty is <em>high</em>." in beside and "Sol Sales" in beside
    assert "General remark." not in entry
    assert "General remark." in discussion_of(html)


def test_a_drafts_thread_is_shown_and_open(app, people, draft):
    add_comment(draft, people["editor"], "Work in progress.")
    html = text(client_for(app, people["editor"]).get("/review"))
    assert "Work in progress." in discussion_of(html)
    assert "Post comment" in html


def test_the_thread_survives_send_back_and_resubmit(app, people, in_review):
    from app.versions.services import send_back_version, submit_version
    add_comment(in_review, people["sales"], "Before send-back.")
    version = send_back_version(in_review, people["sales"], "Redo.")
    submit_version(version, people["editor"])
    assert "Before send-back." in discussion_of(text(client_for(app, people["sales"]).get("/review")))


# --- limits: posting rate, pages of the discussion ------------------------------------------------

def seed_comments(version, author, count: int, age: timedelta = timedelta(0)) -> list[int]:
    """Comments written straight to the table, as another web process would."""
    at = utcnow() - age
    rows = [Comment(version_id=version.id, author_id=author.id, body=f"Comment number {n}", created_at=at)
            for n in range(count)]
    _db.session.add_all(rows)
    _db.session.commit()
    return [row.id for row in rows]


@pytest.mark.parametrize("htmx", [True, False])
def test_the_eleventh_comment_in_a_minute_is_429(app, people, in_review, htmx):
    seed_comments(in_review, people["sales"], COMMENTS_PER_MINUTE)  # posted through another worker
    response = client_for(app, people["sales"]).post(f"/review/{in_review.id}/comments",
                                                     data={"body": "One more."}, headers=HX if htmx else {})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) in range(1, 61)
    assert "You have posted 10 comments in the last minute" in text(response)
    if htmx:
        assert text(response).lstrip().startswith('<section id="discussion"')
    assert _db.session.query(Comment).filter_by(author_id=people["sales"].id).count() == COMMENTS_PER_MINUTE


def test_the_limit_is_per_person_and_per_minute(people, in_review):
    seed_comments(in_review, people["sales"], COMMENTS_PER_MINUTE, age=timedelta(seconds=61))
    for n in range(COMMENTS_PER_MINUTE):
        add_comment(in_review, people["sales"], f"Fresh {n}")
    with pytest.raises(TooManyComments) as refused:
        add_comment(in_review, people["sales"], "Too many")
    assert 1 <= refused.value.retry_after <= 60
    assert add_comment(in_review, people["marketing"], "Someone else may still speak.").id


def test_the_discussion_shows_the_newest_page_and_a_link_to_older_ones(app, people, in_review):
    ids = seed_comments(in_review, people["sales"], 2 * COMMENTS_PER_PAGE + 20, age=timedelta(minutes=5))
    client = client_for(app, people["editor"])
    page = discussion_of(text(client.get("/review")))
    shown = [int(n) for n in re.findall(r'<li id="comment-(\d+)"', page)]
    assert shown == ids[-COMMENTS_PER_PAGE:]
    older = re.search(r'href="([^"]+)"\s+hx-get="\1"', page).group(1).replace("&amp;", "&")
    assert older == f"/review/{in_review.id}/discussion?before={ids[-COMMENTS_PER_PAGE]}"

    fragment = client.get(older, headers=HX)
    assert fragment.status_code == 200 and "<html" not in text(fragment) and "HX-Request" in fragment.headers["Vary"]
    assert [int(n) for n in re.findall(r'<li id="comment-(\d+)"', text(fragment))] == \
        ids[-2 * COMMENTS_PER_PAGE:-COMMENTS_PER_PAGE]
    last = re.search(r'hx-get="([^"]+)"', text(fragment)).group(1).replace("&amp;", "&")
    final = text(client.get(last, headers=HX))
    assert [int(n) for n in re.findall(r'<li id="comment-(\d+)"', final)] == ids[:20]
    assert "Show older comments" not in final

    whole = client.get(older)  # without htmx, the review page showing that older page
    assert whole.status_code == 200 and "<html" in text(whole)
    assert [int(n) for n in re.findall(r'<li id="comment-(\d+)"', discussion_of(text(whole)))] == \
        ids[-2 * COMMENTS_PER_PAGE:-COMMENTS_PER_PAGE]


@pytest.mark.parametrize("before", ["0", "-5", str(2**63), "x"])
def test_odd_page_markers_are_harmless(app, people, in_review, before):
    seed_comments(in_review, people["sales"], 3)
    response = client_for(app, people["editor"]).get(f"/review/{in_review.id}/discussion?before={before}", headers=HX)
    assert response.status_code == 200
