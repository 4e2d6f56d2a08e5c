"""Submit, approve and send back from the review page: roles, htmx and plain, every refusal."""
import pytest

from app.extensions import db as _db
from app.models import Approval, AuditEvent, Version
from app.versions.services import approve_version, open_draft, send_back_version
from tests.test_review_support import (HX, approve_data, client_for, current, draft, flashes, in_review,  # noqa: F401
                                       people, text)

PERSON = {"reader": "reader", "editor": "editor", "approver": "sales", "admin": "admin"}
# route, the lowest role it admits, the version it needs, the form it posts
ROUTES = [
    ("submit", "editor", "draft", lambda v: {}),
    ("approve", "approver", "in_review", approve_data),
    ("send-back", "approver", "in_review", lambda v: {"reason": "Not yet."}),
    ("comments", "editor", "in_review", lambda v: {"body": "Looks right."}),
]
RANK = ["reader", "editor", "approver", "admin"]


def state(version_id: int) -> str:
    _db.session.expire_all()
    return _db.session.get(Version, version_id).state


def panel_of(html: str) -> str:
    assert html.lstrip().startswith('<article id="status-panel"'), html[:200]
    return html


@pytest.mark.parametrize("principal", ["anonymous", *RANK])
@pytest.mark.parametrize("route,minimum,needs,data", ROUTES)
def test_access_to_every_review_action(app, people, request, principal, route, minimum, needs, data):
    version = request.getfixturevalue(needs)
    user = people[PERSON[principal]] if principal != "anonymous" else None
    before = state(version.id)
    response = client_for(app, user).post(f"/review/{version.id}/{route}", data=data(version))
    if principal == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert state(version.id) == before
    elif RANK.index(principal) < RANK.index(minimum):
        assert response.status_code == 403
        assert state(version.id) == before
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/review")


@pytest.mark.parametrize("version_id", ["999", "9" * 30])
@pytest.mark.parametrize("route", ["submit", "approve", "send-back", "comments"])
def test_actions_on_a_missing_version_are_404(app, people, route, version_id):
    assert client_for(app, people["admin"]).post(f"/review/{version_id}/{route}").status_code == 404


@pytest.mark.parametrize("route", ["submit", "approve", "send-back", "comments"])
def test_actions_do_not_answer_get(app, people, draft, route):
    assert client_for(app, people["admin"]).get(f"/review/{draft.id}/{route}").status_code == 405


# --- submit ------------------------------------------------------------------------------------

def test_submit_plain_redirects_with_a_flash(app, people, draft):
    client = client_for(app, people["editor"])
    response = client.post(f"/review/{draft.id}/submit")
    assert response.status_code == 302 and response.headers["Location"] == "/review"
    assert state(draft.id) == "in_review"
    assert "Submitted for review" in flashes(client)


def test_submit_htmx_returns_the_panel_in_review(app, people, draft):
    response = client_for(app, people["editor"]).post(f"/review/{draft.id}/submit", headers=HX)
    assert response.status_code == 200
    html = panel_of(text(response))
    assert "in review" in html and "Submitted for review" in html and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert state(draft.id) == "in_review"


@pytest.mark.parametrize("htmx", [True, False])
def test_submitting_a_draft_that_changes_nothing_is_refused(app, people, current, htmx):
    version = open_draft(by=people["editor"])
    client = client_for(app, people["editor"])
    response = client.post(f"/review/{version.id}/submit", headers=HX if htmx else {})
    message = "This draft changes nothing"
    if htmx:
        assert response.status_code == 409 and message in panel_of(text(response))
        assert 'role="alert"' in text(response)
    else:
        assert response.status_code == 302 and message in flashes(client)
    assert state(version.id) == "draft"


@pytest.mark.parametrize("htmx", [True, False])
def test_submitting_a_version_already_in_review_is_refused(app, people, in_review, htmx):
    client = client_for(app, people["editor"])
    response = client.post(f"/review/{in_review.id}/submit", headers=HX if htmx else {})
    message = "Only a draft can be submitted"
    assert message in (text(response) if htmx else flashes(client))
    assert response.status_code == (409 if htmx else 302)


# --- approve -----------------------------------------------------------------------------------

def test_approve_htmx_updates_the_panel(app, people, in_review):
    response = client_for(app, people["marketing"]).post(f"/review/{in_review.id}/approve",
                                                         data=approve_data(in_review), headers=HX)
    assert response.status_code == 200
    html = panel_of(text(response))
    assert "Approved for Marketing." in html
    assert "approved by Mara Marketing" in html and "Approve for" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert _db.session.query(Approval).filter_by(version_id=in_review.id, team="marketing").count() == 1


def test_approve_plain_redirects_with_a_flash(app, people, in_review):
    client = client_for(app, people["marketing"])
    response = client.post(f"/review/{in_review.id}/approve", data=approve_data(in_review))
    assert response.status_code == 302 and response.headers["Location"] == "/review"
    assert "Approved for Marketing." in flashes(client)


@pytest.mark.parametrize("htmx", [True, False])
def test_the_last_approval_publishes_and_the_panel_says_so(app, people, in_review, htmx):
    approve_version(in_review, people["marketing"])
    client = client_for(app, people["sales"])
    response = client.post(f"/review/{in_review.id}/approve", data=approve_data(in_review),
                           headers=HX if htmx else {})
    _db.session.expire_all()
    version = _db.session.get(Version, in_review.id)
    assert version.state == "published" and version.number == "1.1.0"
    if htmx:
        html = panel_of(text(response))
        assert "Published as 1.1.0" in html and "published as 1.1.0" in html
        assert 'href="/versions/1.1.0"' in html
    else:
        page = flashes(client)
        assert "published as 1.1.0" in page
        assert "Nothing is in review." in text(client.get("/review"))


def approve_refused(app, user, version, htmx, data=None):
    client = client_for(app, user)
    response = client.post(f"/review/{version.id}/approve", data=approve_data(version) if data is None else data,
                           headers=HX if htmx else {})
    return response, (text(response) if htmx else flashes(client))


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("case,message", [
    ("twice", "You have already approved this version."),
    ("same team", "The marketing team has already approved this version (Mara Marketing)."),
    ("wrong team", "The customer-success team does not sign versions"),
    ("own edits", "the approval policy does not allow approving your own edits"),
    ("not in review", "Only a version under review can be approved; this one is a draft."),
    ("changed since seen", "The version changed since you opened it"),
])
def test_every_approval_refusal_is_shown(app, people, in_review, htmx, case, message):
    user, data = people["marketing"], None
    if case in ("twice", "same team"):
        approve_version(in_review, people["marketing"])
        user = people["marketing"] if case == "twice" else people["marketing2"]
    elif case == "wrong team":
        user = people["cs"]
    elif case == "own edits":
        people["editor"].role = "approver"
        _db.session.commit()
        user = people["editor"]
    elif case == "not in review":
        send_back_version(in_review, people["sales"], "More work.")
    elif case == "changed since seen":
        data = {"content_hash": "0" * 64}
    response, shown = approve_refused(app, user, in_review, htmx, data)
    assert message in shown
    if htmx:
        assert response.status_code == 409
        assert 'role="alert"' in panel_of(shown)
    else:
        assert response.status_code == 302
    expected = 1 if case in ("twice", "same team") else 0
    assert _db.session.query(Approval).filter_by(version_id=in_review.id).count() == expected


def test_approving_without_the_seen_content_hash_is_refused(app, people, in_review):
    response, shown = approve_refused(app, people["marketing"], in_review, True, data={})
    assert response.status_code == 422 and "Reload the review page" in shown
    assert _db.session.query(Approval).count() == 0


# --- send back ---------------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [True, False])
def test_send_back_with_a_reason_returns_the_version_to_draft(app, people, in_review, htmx):
    approve_version(in_review, people["marketing"])
    client = client_for(app, people["sales"])
    response = client.post(f"/review/{in_review.id}/send-back", data={"reason": "Ask the SDRs first."},
                           headers=HX if htmx else {})
    assert state(in_review.id) == "draft"
    assert _db.session.query(Approval).filter_by(version_id=in_review.id).count() == 0
    event = _db.session.query(AuditEvent).filter_by(action="version.sent_back").one()
    assert event.user_id == people["sales"].id
    if htmx:
        html = panel_of(text(response))
        assert response.status_code == 200
        assert "Sent back to draft" in html and "Ask the SDRs first." in html
    else:
        assert response.status_code == 302 and "Sent back to draft" in flashes(client)


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_send_back_needs_a_reason(app, people, in_review, htmx, reason):
    client = client_for(app, people["sales"])
    response = client.post(f"/review/{in_review.id}/send-back", data={"reason": reason},
                           headers=HX if htmx else {})
    message = "Give a reason: the editors need to know what to change."
    if htmx:
        assert response.status_code == 422
        html = panel_of(text(response))
        assert message in html and 'aria-invalid="true"' in html
    else:
        assert response.status_code == 302 and message in flashes(client)
    assert state(in_review.id) == "in_review"


def test_send_back_reason_has_a_maximum_length(app, people, in_review):
    response = client_for(app, people["sales"]).post(
        f"/review/{in_review.id}/send-back", data={"reason": "x" * 2001}, headers=HX)
    assert response.status_code == 422 and "at most 2,000 characters" in text(response)
    assert state(in_review.id) == "in_review"


@pytest.mark.parametrize("htmx", [True, False])
def test_sending_back_a_draft_is_refused(app, people, draft, htmx):
    client = client_for(app, people["sales"])
    response = client.post(f"/review/{draft.id}/send-back", data={"reason": "Why not"},
                           headers=HX if htmx else {})
    message = "Only a version under review can be sent back; this one is a draft."
    if htmx:
        assert response.status_code == 409 and message in panel_of(text(response))
    else:
        assert message in flashes(client)


def test_the_actions_are_audited(app, people, in_review):
    client_for(app, people["marketing"]).post(f"/review/{in_review.id}/approve", data=approve_data(in_review))
    actions = [e.action for e in _db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions[-2:] == ["version.submitted", "version.approved"] or actions[-1] == "version.approved"
    approval = _db.session.query(AuditEvent).filter_by(action="version.approved").one()
    assert approval.user_id == people["marketing"].id and approval.version_id == in_review.id


# --- who may send back -------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("reason", ["Drop it all.", ""])
def test_an_approver_of_a_team_that_does_not_sign_cannot_send_back(app, people, in_review, htmx, reason):
    """Sending back drops every signature: a non-signing team's approver is refused, whatever the form."""
    approve_version(in_review, people["marketing"])
    response = client_for(app, people["cs"]).post(f"/review/{in_review.id}/send-back", data={"reason": reason},
                                                  headers=HX if htmx else {})
    assert response.status_code == 403
    assert "Only approvers of a team that must sign, or admins" in text(response)
    if htmx:
        panel_of(text(response))
    assert state(in_review.id) == "in_review"
    assert _db.session.query(Approval).filter_by(version_id=in_review.id).count() == 1
    assert _db.session.query(AuditEvent).filter_by(action="version.sent_back").count() == 0


def test_the_send_back_service_refuses_a_team_that_does_not_sign(people, in_review):
    from app.versions.policy import SignOffForbidden
    with pytest.raises(SignOffForbidden):
        send_back_version(in_review, people["cs"], "Drop it all.")
    assert state(in_review.id) == "in_review"


def test_an_admin_of_any_team_may_send_back(app, make_user, people, in_review):
    admin = make_user("admin", team="customer-success")
    response = client_for(app, admin).post(f"/review/{in_review.id}/send-back", data={"reason": "Not yet."},
                                           headers=HX)
    assert response.status_code == 200 and state(in_review.id) == "draft"


@pytest.mark.parametrize("person,shown", [("cs", False), ("sales", True), ("admin", True)])
def test_the_send_back_button_is_shown_to_those_who_may_use_it(app, people, in_review, person, shown):
    page = text(client_for(app, people[person]).get("/review"))
    assert ("Send back to draft" in page) is shown
