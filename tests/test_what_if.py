"""What-if: the draft's scoring on the last 90 days of leads, against a hand-computed fixture."""
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.leads.services import ingest_events
from app.leads.whatif import what_if
from app.versions.queries import document_of
from app.versions.services import get_current_version, get_open_version
from tests.factories import make_draft, make_entry, make_published
from tests.test_api_support import auth, token  # noqa: F401

NOW = datetime.now(timezone.utc)


def scoring(mql_threshold: int) -> list:
    stage = dict(owner_team="marketing", entry_criteria="Enters.")
    return [
        make_entry("lifecycle_stages", "lead", position=1, score_threshold=0, **stage),
        make_entry("lifecycle_stages", "mql", position=2, score_threshold=mql_threshold, **stage),
        make_entry("lead_scoring", "dairy", kind="fit", field="industry", operator="equals", value="Dairy", points=30),
        make_entry("lead_scoring", "webinar", kind="engagement", field="webinar", operator="gte", value="1",
                   points=10, max_occurrences=3, within_days=90),
    ]


@pytest.fixture
def leads(app):
    """Now: mql from 50. Draft: from 30. A scores 40 (lead → mql), B 60 (mql both), C 10 (lead both);
    D's only event is older than 90 days, so it is not among the recent leads."""
    make_published(scoring(50), published_at=datetime(2026, 1, 1))
    make_draft(scoring(30))
    recent, old = (NOW - timedelta(days=3)).isoformat(), (NOW - timedelta(days=200)).isoformat()
    events = [
        {"id": "a1", "lead": {"external_id": "A", "fields": {"industry": "Dairy"}}, "kind": "engagement",
         "name": "webinar", "at": recent},
        {"id": "b1", "lead": {"external_id": "B", "fields": {"industry": "Dairy"}}, "kind": "engagement",
         "name": "webinar", "at": recent},
        *[{"id": f"b{i}", "lead": "B", "kind": "engagement", "name": "webinar", "at": recent} for i in (2, 3)],
        {"id": "c1", "lead": {"external_id": "C", "fields": {"industry": "Textiles"}}, "kind": "engagement",
         "name": "webinar", "at": recent},
        {"id": "d1", "lead": {"external_id": "D", "fields": {"industry": "Dairy"}}, "kind": "engagement",
         "name": "webinar", "at": old},
    ]
    assert ingest_events("hubspot", events).accepted == 6
    db.session.commit()


def test_the_draft_moves_exactly_the_leads_computed_by_hand(leads):
    result = what_if(document_of(get_current_version()), document_of(get_open_version()), NOW)
    assert result.leads == 3
    assert result.stages == [("lead", 2, 1), ("mql", 1, 2)]
    assert result.moved == [{"lead": "A", "source": "hubspot", "from": "lead", "to": "mql", "score_now": 40,
                             "score_draft": 40}]


@pytest.mark.parametrize("htmx", [False, True])
def test_an_editor_sees_the_what_if_on_review_as_a_page_or_a_fragment(login_as, leads, htmx):
    response = login_as("editor").get("/review/what-if", headers={"HX-Request": "true"} if htmx else {})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("<html" in html) is not htmx
    assert "1 lead would change stage" in html and "<th scope=\"row\">A</th>" in html
    review = login_as("editor").get("/review").get_data(as_text=True)
    assert 'hx-get="/review/what-if"' in review


def test_the_leads_that_would_move_download_as_csv(login_as, leads):
    response = login_as("editor").get("/review/what-if.csv")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines() == [
        "lead,source,stage_now,stage_under_draft,score_now,score_under_draft", "A,hubspot,lead,mql,40,40"]


def test_readers_do_not_see_the_what_if(login_as, leads):
    assert login_as("reader").get("/review/what-if").status_code == 403


def test_without_lead_data_the_page_says_how_to_get_some(login_as, app):
    make_published(scoring(50))
    make_draft(scoring(30))
    assert "No lead data of the last 90 days" in login_as("editor").get("/review/what-if").get_data(as_text=True)


BODY = {"fields": {"industry": "Dairy"}, "events": ["webinar"]}


def test_an_editor_scores_with_the_drafts_rules(login_as, leads):
    editor = login_as("editor")
    assert editor.post("/api/v1/score?version=draft", json=BODY).get_json()["stage"] == "mql"
    assert editor.post("/api/v1/score", json=BODY).get_json()["stage"] == "lead"


@pytest.mark.parametrize("who", ["token", "reader"])
def test_only_signed_in_editors_score_with_the_draft(client, auth, login_as, leads, who):
    asking, headers = (client, auth) if who == "token" else (login_as("reader"), {})
    response = asking.post("/api/v1/score?version=draft", json=BODY, headers=headers)
    assert response.status_code == 403 and response.mimetype == "application/problem+json"


SAMPLE = """source_event_id,lead_external_id,kind,value,occurred_at,field:industry
s1,A,engagement,webinar,{recent},Dairy
s2,C,engagement,webinar,{recent},Textiles
"""


def test_without_stored_leads_an_uploaded_sample_shows_the_same_and_is_stored_nowhere(login_as, app):
    import io

    from sqlalchemy import func, select

    from app.models import Lead
    make_published(scoring(50))
    make_draft(scoring(30))
    body = SAMPLE.format(recent=(NOW - timedelta(days=2)).isoformat()).encode()
    response = login_as("editor").post("/review/what-if", data={
        "file": (io.BytesIO(body), "sample.csv"), "format": "accord", "timezone": "UTC"},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    assert "applied to the 2 leads of the sample" in html and "1 lead would change stage" in html
    assert "what-if.csv" not in html
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 0


def test_a_sample_that_cannot_be_read_is_refused_on_the_form(login_as, app):
    import io
    make_published(scoring(50))
    make_draft(scoring(30))
    response = login_as("editor").post("/review/what-if", data={
        "file": (io.BytesIO(b"name,email\nx,y\n"), "wrong.csv"), "format": "accord"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "has no column" in response.get_data(as_text=True)
