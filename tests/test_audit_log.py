"""The audit log page: admins only, newest first, 50 a page, filters, htmx table, read-only."""
import re
from datetime import timedelta

import pytest

from app.audit import record_event
from app.models import AuditEvent
from app.models.base import utcnow
from tests.factories import make_draft, make_entry, make_published

ROLES = ["reader", "editor", "approver"]


def add_events(db, count, action="entry.updated", user=None, version=None, start=None, **kwargs):
    """Insert `count` events one second apart, the last one newest."""
    start = start or utcnow() - timedelta(days=1)
    events = []
    for n in range(count):
        event = record_event(action, user=user, version=version, summary=kwargs.get("summary", f"{action} #{n}"),
                             entry_key=kwargs.get("entry_key"), before=kwargs.get("before"),
                             after=kwargs.get("after"))
        event.at = start + timedelta(seconds=n)
        events.append(event)
    db.session.commit()
    return events


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("htmx", [False, True])
def test_lower_roles_are_refused(login_as, role, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    assert login_as(role).get("/admin/audit", headers=headers).status_code == 403


def test_admin_sees_who_when_action_version_entry_summary_and_change(login_as, db):
    admin = login_as("admin")
    version = make_published([make_entry("lifecycle_stages", "mql", owner_team="marketing",
                                         entry_criteria="x", score_threshold=50)])
    add_events(db, 1, action="entry.updated", user=admin.user, version=version, entry_key="mql",
               summary="Raised the MQL threshold", before={"score_threshold": 50, "name": "MQL"},
               after={"score_threshold": 60, "name": "MQL"})
    page = admin.get("/admin/audit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    [row] = rows(html)
    assert admin.user.name in row
    assert "entry.updated" in row
    assert "1.0.0" in row
    assert "<code>mql</code>" in row
    assert "Raised the MQL threshold" in row
    assert "score_threshold" in row and "<del>50</del>" in row and "<ins>60</ins>" in row
    assert row.count('class="audit-field"') == 1, "unchanged fields are not listed"
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC", row)


def test_newest_first_and_fifty_a_page(login_as, db):
    admin = login_as("admin")
    add_events(db, 120, action="user.changed")
    first = rows(admin.get("/admin/audit").get_data(as_text=True))
    assert len(first) == 50
    assert "user.changed #119" in first[0] and "user.changed #70" in first[-1]
    third = admin.get("/admin/audit?page=3").get_data(as_text=True)
    assert len(rows(third)) == 20
    assert "user.changed #19" in rows(third)[0] and "user.changed #0" in rows(third)[-1]
    assert "page 3 of 3" in third
    assert 'rel="next"' not in third and 'rel="prev"' in third


@pytest.mark.parametrize("page", ["0", "-3", "abc", "999"])
def test_odd_page_numbers_never_fail(login_as, db, page):
    admin = login_as("admin")
    add_events(db, 3)
    response = admin.get(f"/admin/audit?page={page}")
    assert response.status_code == 200
    expected = 0 if page == "999" else 3
    assert len(rows(response.get_data(as_text=True))) == expected


def test_filters_by_user_action_and_version(login_as, make_user, db):
    admin = login_as("admin")
    other = make_user("editor", team="sales")
    old = make_published([make_entry("terms", "lead")], number="1.0.0")
    draft = make_draft([make_entry("terms", "lead")])
    add_events(db, 2, action="entry.updated", user=other, version=draft, summary="other on draft")
    add_events(db, 3, action="version.submitted", user=admin.user, version=draft, summary="admin submitted")
    add_events(db, 4, action="entry.updated", user=admin.user, version=old, summary="admin on old")

    def count(query):
        return len(rows(admin.get(f"/admin/audit?{query}").get_data(as_text=True)))

    assert count("") == 9
    assert count(f"user={other.id}") == 2
    assert count("action=entry.updated") == 6
    assert count("version=1.0.0") == 4
    assert count(f"version={draft.id}") == 5
    assert count(f"user={admin.user.id}&action=entry.updated") == 4
    assert count(f"user={admin.user.id}&version={draft.id}&action=version.submitted") == 3
    assert count("version=9.9.9") == 0
    assert count("user=nobody&action=&version=") == 9  # malformed filters are ignored


@pytest.mark.parametrize("query", ["action=%00", "action=entry.updated%00", "version=%00x", "version=1.0.0%00",
                                   "user=%00", "page=%00", "version=" + "9" * 40, "action=" + "a" * 500,
                                   "user=" + "9" * 30, "user=-5", "page=" + "9" * 30])
def test_hostile_filters_never_fail(login_as, db, query):
    admin = login_as("admin")
    version = make_published([make_entry("terms", "lead")], number="1.0.0")
    add_events(db, 2, action="entry.updated", user=admin.user, version=version)
    response = admin.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    assert len(rows(response.get_data(as_text=True))) in (0, 2)


def test_filter_form_offers_users_actions_versions_and_keeps_choices(login_as, db):
    admin = login_as("admin")
    version = make_published([make_entry("terms", "lead")], number="1.0.0")
    add_events(db, 1, action="comment.added", user=admin.user, version=version)
    html = admin.get("/admin/audit?action=comment.added&version=1.0.0").get_data(as_text=True)
    assert f'<option value="{admin.user.id}">' in html
    assert '<option value="comment.added" selected>' in html
    assert '<option value="1.0.0" selected>' in html
    assert 'hx-push-url="true"' in html


def test_htmx_gets_the_table_alone_and_the_same_url_renders_the_page(login_as, db):
    admin = login_as("admin")
    add_events(db, 60, action="entry.updated")
    fragment = admin.get("/admin/audit?action=entry.updated&page=2", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="audit-results"')
    assert "<html" not in html and "Filter the audit log" not in html
    assert len(rows(html)) == 10
    assert "HX-Request" in fragment.headers["Vary"]
    page = admin.get("/admin/audit?action=entry.updated&page=2")
    assert "<html" in page.get_data(as_text=True) and len(rows(page.get_data(as_text=True))) == 10
    assert "HX-Request" in page.headers["Vary"]


def test_pager_links_keep_the_filters(login_as, db):
    admin = login_as("admin")
    add_events(db, 55, action="entry.updated")
    html = admin.get("/admin/audit?action=entry.updated").get_data(as_text=True)
    assert re.search(r'href="/admin/audit\?[^"]*page=2[^"]*"', html)
    assert re.search(r'href="/admin/audit\?[^"]*action=entry.updated[^"]*"[^>]*rel="next"', html)


def test_user_text_in_events_is_escaped(login_as, db):
    admin = login_as("admin")
    add_events(db, 1, summary="<script>alert(1)</script>", after={"body": "<img src=x onerror=alert(1)>"})
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_log_is_read_only(app, login_as, db, method):
    admin = login_as("admin")
    add_events(db, 2)
    assert admin.open("/admin/audit", method=method).status_code == 405
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.endpoint]
    assert audit_rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)
    assert db.session.query(AuditEvent).count() == 2
