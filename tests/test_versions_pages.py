"""The version pages: /versions, /versions/<version> and /compare, for every role."""
import pytest
from flask import url_for

from app.versions.services import open_draft
from tests.factories import edit_entry, make_entry, make_published

ROLES = ["reader", "editor", "approver", "admin"]
EDITORS = ["editor", "approver", "admin"]


@pytest.fixture
def history(app, make_user):
    """1.0.0 (superseded), 1.1.0 (current) and an open draft that rewords and adds."""
    signers = [make_user("approver", "marketing", name="Mara Signer"), make_user("approver", "sales", name="Sam Signer")]
    first = make_published([
        make_entry("lifecycle_stages", "mql", name="Marketing Qualified Lead", position=3, owner_team="marketing",
                   entry_criteria="Score of 50", score_threshold=50,
                   definition="A lead that marketing nurtured until it is ready."),
        make_entry("terms", "handover", name="Handover"),
    ], approvers=signers)
    second = make_published([
        make_entry("lifecycle_stages", "mql", name="Marketing Qualified Lead", position=3, owner_team="marketing",
                   entry_criteria="Score of 60", score_threshold=60,
                   definition="A lead that marketing nurtured until sales accepts it."),
        make_entry("terms", "handover", name="Handover"),
        make_entry("terms", "churn", name="Churn <script>alert(1)</script>"),
    ], number="1.1.0", approvers=signers)
    editor = make_user("editor")
    draft = open_draft(editor)
    edit_entry(draft, "handover", by=editor, definition="The moment <b>sales</b> takes over a lead.")
    return {"first": first, "second": second, "draft": draft}


@pytest.mark.parametrize("path", ["/versions", "/versions/1.0.0", "/versions/open", "/compare",
                                  "/compare?from=1.0.0&to=1.1.0"])
def test_anonymous_visitors_are_asked_to_sign_in(client, history, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_urls_match_the_contract(app):
    with app.test_request_context():
        assert url_for("versions.index") == "/versions"
        assert url_for("versions.show", version="1.2.0") == "/versions/1.2.0"
        assert url_for("versions.compare", **{"from": "1.0.0", "to": "1.1.0"}) == "/compare?from=1.0.0&to=1.1.0"


@pytest.mark.parametrize("role", ROLES)
def test_index_lists_every_published_version_with_signatures(login_as, history, role):
    page = login_as(role).get("/versions").get_data(as_text=True)
    assert "1.0.0" in page and "1.1.0" in page
    assert "superseded" in page and "published" in page
    assert "Mara Signer" in page and "Sam Signer" in page
    assert "/compare?from=1.0.0&amp;to=1.1.0" in page
    if role == "reader":
        assert "Open draft" not in page
    else:
        assert page.index("version-row-draft") < page.index("version-row-published") < \
            page.index("version-row-superseded")


@pytest.mark.parametrize("role", ROLES)
def test_show_renders_a_published_version_whole(login_as, history, role):
    response = login_as(role).get("/versions/1.0.0")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Version 1.0.0" in page and "superseded" in page
    assert "Marketing Qualified Lead" in page and "ready." in page and "Handover" in page
    assert "Mara Signer" in page and history["first"].sha256 in page
    assert "Churn" not in page  # only in 1.1.0


def test_show_escapes_entry_names(login_as, history):
    page = login_as("reader").get("/versions/1.1.0").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("role", EDITORS)
def test_editors_see_the_open_version_with_its_coming_number(login_as, history, role):
    response = login_as(role).get("/versions/open")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The open version" in page
    assert "It will be <strong class=\"version-number\">1.1.1</strong>, a <strong>patch</strong> change" in page
    assert "rewords the definition of the term &#39;Handover&#39;" in page
    assert "<ins>" in page and "&lt;b&gt;sales&lt;/b&gt;" in page  # the diff, escaped
    assert "not signed yet" in page


def test_readers_cannot_see_the_open_version(login_as, history):
    response = login_as("reader").get("/versions/open")
    assert response.status_code == 403
    assert "moment" not in response.get_data(as_text=True)


def test_the_open_version_when_none_is_open(login_as, app, make_user):
    make_published([make_entry("terms", "handover")])
    assert login_as("editor").get("/versions/open").status_code == 404


@pytest.mark.parametrize("path", ["/versions/9.9.9", "/versions/not-a-version", "/versions/1.0", "/versions/current-ish"])
def test_unknown_versions_are_404(login_as, history, path):
    response = login_as("editor").get(path)
    assert response.status_code == 404
    assert "There is no version" in response.get_data(as_text=True)


def test_a_changing_draft_shows_that_it_changes_nothing_yet(login_as, app, make_user):
    make_published([make_entry("terms", "handover")])
    open_draft(make_user("editor"))
    page = login_as("editor").get("/versions/open").get_data(as_text=True)
    assert "It changes nothing yet" in page and "1.0.0" in page


# --- compare ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_compare_two_published_versions(login_as, history, role):
    response = login_as(role).get("/compare?from=1.0.0&to=1.1.0")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "From 1.0.0 to 1.1.0" in page and "<strong>minor</strong> change" in page
    assert "1 added, 0 removed, 1 changed" in page
    assert "until <ins>sales accepts </ins>it<del> is ready</del>." in page  # word-level
    assert "<del>50</del> → <ins>60</ins>" in page  # field old → new
    assert "Score threshold" in page
    assert "Churn &lt;script&gt;" in page and "<script>alert" not in page
    assert response.headers["Vary"] and "HX-Request" in response.headers["Vary"]


def test_compare_in_reverse_shows_the_removal_as_breaking(login_as, history):
    page = login_as("reader").get("/compare?from=1.1.0&to=1.0.0").get_data(as_text=True)
    assert "<strong>major</strong> change" in page and "Breaking changes" in page
    assert "The term &#39;churn&#39;" in page and "was removed" in page


def test_compare_a_version_with_itself(login_as, history):
    page = login_as("reader").get("/compare?from=1.1.0&to=1.1.0").get_data(as_text=True)
    assert "No change" in page and "No differences" in page


@pytest.mark.parametrize("role", EDITORS)
def test_editors_compare_with_the_open_version(login_as, history, role):
    page = login_as(role).get("/compare?from=1.1.0&to=open").get_data(as_text=True)
    assert "From 1.1.0 to the open version" in page and "<strong>patch</strong>" in page
    assert "<ins>" in page and "&lt;b&gt;sales&lt;/b&gt;" in page


def test_readers_cannot_compare_with_the_open_version(login_as, history):
    response = login_as("reader").get("/compare?from=1.1.0&to=open")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "There is no version &#39;open&#39; to compare." in page and "&lt;b&gt;sales" not in page


def test_compare_defaults(login_as, history):
    editor_page = login_as("editor").get("/compare").get_data(as_text=True)
    assert "From 1.1.0 to the open version" in editor_page
    reader_page = login_as("reader").get("/compare").get_data(as_text=True)
    assert "From 1.0.0 to 1.1.0" in reader_page


def test_compare_with_fewer_than_two_versions(login_as, app):
    make_published([make_entry("terms", "handover")])
    response = login_as("reader").get("/compare")
    assert response.status_code == 200
    assert "nothing to compare yet" in response.get_data(as_text=True)


@pytest.mark.parametrize("query,status,message", [
    ("?from=1.0.0", 400, "Choose the version to compare with."),
    ("?to=1.0.0", 400, "Choose the version to compare from."),
    ("?from=&to=", 400, "Choose the version to compare from."),
    ("?from=1.0.0&to=7.7.7", 404, "There is no version &#39;7.7.7&#39; to compare."),
    ("?from=banana&to=1.0.0", 404, "There is no version &#39;banana&#39; to compare."),
])
def test_compare_refuses_missing_and_unknown_versions_kindly(login_as, history, query, status, message):
    response = login_as("editor").get("/compare" + query)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert message in page
    assert "<form" in page and "Compare versions" in page  # the whole page, with the picker


def test_compare_answers_htmx_with_the_result_block_only(login_as, history):
    response = login_as("reader").get("/compare?from=1.0.0&to=1.1.0", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="compare-result"')
    assert "<html" not in page and "<form" not in page
    assert "<ins>sales accepts </ins>" in page
    assert "HX-Request" in response.headers["Vary"]


def test_compare_answers_a_refused_htmx_request_with_422(login_as, history):
    response = login_as("reader").get("/compare?from=1.0.0&to=9.9.9", headers={"HX-Request": "true"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<html" not in page and "There is no version &#39;9.9.9&#39; to compare." in page


def test_a_history_restore_gets_the_whole_page(login_as, history):
    response = login_as("reader").get("/compare?from=1.0.0&to=1.1.0",
                                      headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.get_data(as_text=True)
