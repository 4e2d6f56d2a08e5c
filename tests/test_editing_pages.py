"""The draft's pages: who may see them, the overview, sections, and each htmx endpoint with and without htmx."""
import pytest

from app.extensions import db
from app.models import Version, VersionState
from app.sla.sections import SECTION_LIST, SECTIONS
from tests.factories import make_draft, make_entry, make_published
from tests.test_editing_support import audit_actions, draft_with_targets, entry_by_key, html_of, valid_post

HX = {"HX-Request": "true"}
ENTRY = "/draft/deal_stages/quote"
GET_URLS = ["/draft", "/draft/deal_stages", ENTRY, f"{ENTRY}/edit", f"{ENTRY}/delete", f"{ENTRY}/deprecate"]
POST_URLS = ["/draft/start", "/draft/deal_stages", f"{ENTRY}/edit", f"{ENTRY}/delete", f"{ENTRY}/deprecate",
             f"{ENTRY}/move", "/draft/preview", "/draft/check/deal_stages/name"]


def pipeline():
    """A draft with three ordered deal stages and a term that refers to the second."""
    return make_draft([
        make_entry("deal_stages", "discovery", "Discovery", position=1, probability=0.1),
        make_entry("deal_stages", "quote", "Quote presented", position=2, probability=0.6),
        make_entry("deal_stages", "won", "Closed won", position=3, probability=1.0, is_closed=True, is_won=True),
        make_entry("terms", "pipeline", "Pipeline", related=["quote"]),
    ])


def positions(version, section="deal_stages"):
    db.session.expire_all()
    entries = [e for e in db.session.scalars(db.select(Version).where(Version.id == version.id)).one().entries
               if e.section == section]
    return [e.key for e in sorted(entries, key=lambda e: (e.position, e.key))]


def is_fragment(response):
    return "<html" not in html_of(response) and "HX-Request" in response.headers.get("Vary", "")


# --- who may see the draft --------------------------------------------------------------------

@pytest.mark.parametrize("url", GET_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, app, url):
    pipeline()
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", POST_URLS)
def test_anonymous_posts_change_nothing(client, app, url):
    version = pipeline()
    response = client.post(url, data={"direction": "up", **valid_post("deal_stages", key="quote")})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert positions(version) == ["discovery", "quote", "won"] and audit_actions() == []


@pytest.mark.parametrize("url", GET_URLS)
def test_readers_are_refused(login_as, url):
    pipeline()
    assert login_as("reader").get(url).status_code == 403


@pytest.mark.parametrize("url", POST_URLS)
def test_readers_cannot_change_anything(login_as, url):
    version = pipeline()
    response = login_as("reader").post(url, data={"direction": "up", **valid_post("deal_stages", key="quote")},
                                       headers=HX)
    assert response.status_code == 403
    assert positions(version) == ["discovery", "quote", "won"] and audit_actions() == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Version)) == 1


@pytest.mark.parametrize("role", ["editor", "approver", "admin"])
@pytest.mark.parametrize("url", GET_URLS)
def test_editors_approvers_and_admins_may_edit(login_as, role, url):
    pipeline()
    assert login_as(role, team="sales").get(url).status_code == 200


@pytest.mark.parametrize("role", ["editor", "approver", "admin"])
def test_every_editing_role_can_save(login_as, role):
    version = pipeline()
    client = login_as(role)
    assert client.post("/draft/terms", data=valid_post("terms", related=[])).status_code == 302
    assert entry_by_key(version, "new-entry").updated_by_id == client.user.id


# --- the overview -----------------------------------------------------------------------------

def test_the_overview_lists_every_section_with_its_entry_count(login_as):
    pipeline()
    page = html_of(login_as("editor").get("/draft"))
    assert 'href="/draft/deal_stages">Deal stages</a>' in page
    assert "<td>3</td>" in page and page.count("<td>0</td>") == len(SECTION_LIST) - 2  # pipeline() fills two
    assert 'href="/draft/lead_scoring"' in page


def test_without_an_open_version_editors_can_start_a_draft(login_as):
    published = make_published([make_entry("terms", "mql")])
    client = login_as("editor")
    page = html_of(client.get("/draft"))
    assert "There is no open draft" in page and "Start a new draft" in page
    assert client.get("/draft/terms").status_code == 302
    response = client.post("/draft/start")
    assert response.status_code == 302 and response.headers["Location"].endswith("/draft")
    draft = db.session.scalar(db.select(Version).where(Version.state == VersionState.DRAFT.value))
    assert draft.based_on_id == published.id and [e.key for e in draft.entries] == ["mql"]
    assert "version.draft_opened" in audit_actions()
    assert "Based on version 1.0.0" in html_of(client.get("/draft"))


def test_starting_a_second_draft_is_refused(login_as):
    pipeline()
    response = login_as("editor").post("/draft/start")
    assert response.status_code == 409
    assert "A version is already open" in html_of(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(Version)) == 1


def test_a_version_in_review_is_shown_read_only(login_as):
    version = pipeline()
    version.state = VersionState.IN_REVIEW.value
    db.session.commit()
    client = login_as("editor")
    assert "read-only" in html_of(client.get("/draft"))
    page = html_of(client.get("/draft/deal_stages"))
    assert "read-only" in page and "Quote presented" in page
    assert "/edit" not in page and "Add a deal stage" not in page and "Move up" not in page
    for url in (f"{ENTRY}/edit", f"{ENTRY}/delete", f"{ENTRY}/deprecate"):
        response = client.get(url)
        assert response.status_code == 409 and "in review" in html_of(response)


@pytest.mark.parametrize("url, data", [
    ("/draft/deal_stages", valid_post("deal_stages")),
    (f"{ENTRY}/edit", valid_post("deal_stages", key="quote", revision="1")),
    (f"{ENTRY}/delete", {}),
    (f"{ENTRY}/deprecate", {"revision": "1"}),
    (f"{ENTRY}/move", {"direction": "up"}),
])
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_nothing_changes_in_a_version_under_review(login_as, url, data, headers):
    version = pipeline()
    version.state = VersionState.IN_REVIEW.value
    db.session.commit()
    response = login_as("editor").post(url, data=data, headers=headers)
    assert response.status_code == 409
    assert "in review" in html_of(response)
    if headers:
        assert response.headers["HX-Retarget"] == "#editing-messages"
    assert positions(version) == ["discovery", "quote", "won"] and audit_actions() == []
    assert entry_by_key(version, "quote").revision == 1 and entry_by_key(version, "new-entry") is None


@pytest.mark.parametrize("url", ["/draft/no_section", "/draft/deal_stages/nope", "/draft/terms/quote",
                                 "/draft/deal_stages/nope/edit", "/draft/deal_stages/nope/delete"])
def test_unknown_sections_and_entries_are_not_found(login_as, url):
    pipeline()
    assert login_as("editor").get(url).status_code == 404


# --- one URL, two representations --------------------------------------------------------------

@pytest.mark.parametrize("url, block_marker", [
    ("/draft/deal_stages", 'id="section-body"'),
    (ENTRY, 'id="entry-quote"'),
    (f"{ENTRY}/edit", 'name="revision"'),
    (f"{ENTRY}/delete", "Delete “Quote presented”"),
    (f"{ENTRY}/deprecate", "Deprecate “Quote presented”"),
])
def test_pages_answer_htmx_with_their_block_and_browsers_with_the_page(login_as, url, block_marker):
    pipeline()
    client = login_as("editor")
    page, fragment = client.get(url), client.get(url, headers=HX)
    assert page.status_code == fragment.status_code == 200
    assert "<html" in html_of(page) and block_marker in html_of(page)
    assert is_fragment(fragment) and block_marker in html_of(fragment)
    assert "HX-Request" in page.headers["Vary"]


def test_the_section_lists_entries_in_order_with_their_fields(login_as):
    pipeline()
    page = html_of(login_as("editor").get("/draft/deal_stages"))
    assert page.index("Discovery") < page.index("Quote presented") < page.index("Closed won")
    assert "Probability <strong>60%</strong>" in page and "closed, won" in page
    assert 'id="move-up-discovery"' not in page and 'id="move-down-won"' not in page
    assert 'id="move-up-quote"' in page and 'id="move-down-quote"' in page


def test_adding_without_htmx_redirects_to_the_new_entry(login_as):
    version = pipeline()
    response = login_as("editor").post("/draft/deal_stages", data=valid_post("deal_stages", key="on-hold"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/draft/deal_stages#entry-on-hold")
    assert positions(version) == ["discovery", "quote", "won", "on-hold"]


def test_adding_with_htmx_returns_the_section_with_a_fresh_form(login_as):
    version = pipeline()
    response = login_as("editor").post("/draft/deal_stages", data=valid_post("deal_stages", key="on-hold"),
                                       headers=HX)
    assert response.status_code == 200 and is_fragment(response)
    page = html_of(response)
    assert "Added “A new entry”." in page and 'id="entry-on-hold"' in page
    assert 'id="new-key" maxlength="64" name="key" required type="text" value=""' in page
    assert entry_by_key(version, "on-hold").position == 4


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_refused_add_shows_the_form_with_its_errors(login_as, headers):
    version = pipeline()
    response = login_as("editor").post("/draft/deal_stages", data=valid_post("deal_stages", key="Bad Key"),
                                       headers=headers)
    assert response.status_code == 422
    assert ("<html" in html_of(response)) != bool(headers)
    assert 'id="new-key-error"' in html_of(response) and 'value="Bad Key"' in html_of(response)
    assert entry_by_key(version, "Bad Key") is None


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_editing_saves_and_shows_the_entry(login_as, headers):
    version = pipeline()
    client = login_as("editor")
    data = valid_post("deal_stages", key="quote", name="Quote sent", probability="0.65", revision="1")
    response = client.post(f"{ENTRY}/edit", data=data, headers=headers)
    entry = entry_by_key(version, "quote")
    assert entry.name == "Quote sent" and entry.fields["probability"] == 0.65 and entry.revision == 2
    assert entry.position == 2 and entry.updated_by_id == client.user.id
    if headers:
        assert response.status_code == 200 and is_fragment(response)
        assert "Quote sent" in html_of(response) and "autofocus" in html_of(response)
    else:
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/draft/deal_stages#entry-quote")
    assert audit_actions() == ["entry.changed"]


def test_the_edit_form_holds_the_entry_and_its_revision(login_as):
    pipeline()
    page = html_of(login_as("editor").get(f"{ENTRY}/edit", headers=HX))
    assert 'name="revision" type="hidden" value="1"' in page
    assert 'value="Quote presented"' in page and 'value="0.6"' in page
    assert 'hx-target="closest article"' in page and 'hx-get="/draft/deal_stages/quote"' in page


def test_a_refused_edit_keeps_what_was_typed(login_as):
    version = pipeline()
    response = login_as("editor").post(f"{ENTRY}/edit", headers=HX, data=valid_post(
        "deal_stages", key="quote", name="", probability="2", revision="1"))
    assert response.status_code == 422
    page = html_of(response)
    assert "A name is required." in page and "Enter a number from 0 to 1." in page and 'value="2"' in page
    assert entry_by_key(version, "quote").name == "Quote presented"


@pytest.mark.parametrize("revision", [None, "", "abc", "0", "-1"])
def test_a_save_without_a_valid_revision_is_refused(login_as, revision):
    version = pipeline()
    response = login_as("editor").post(f"{ENTRY}/edit", data=valid_post("deal_stages", key="quote",
                                                                          name="Changed", revision=revision))
    assert response.status_code == 422
    assert "reload the page" in html_of(response) or "Enter a whole number" in html_of(response)
    assert entry_by_key(version, "quote").name == "Quote presented" and audit_actions() == []


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_moving_an_entry_changes_the_order(login_as, headers):
    version = pipeline()
    client = login_as("editor")
    response = client.post("/draft/deal_stages/won/move", data={"direction": "up"}, headers=headers)
    assert positions(version) == ["discovery", "won", "quote"]
    if headers:
        assert response.status_code == 200 and is_fragment(response)
        page = html_of(response)
        assert page.startswith('<div id="entry-list"') or 'id="entry-list"' in page.split(">")[0]
        assert page.index("Closed won") < page.index("Quote presented")
    else:
        assert response.status_code == 302 and response.headers["Location"].endswith("#entry-won")
    client.post("/draft/deal_stages/discovery/move", data={"direction": "down"}, headers=headers)
    assert positions(version) == ["won", "discovery", "quote"]
    assert audit_actions() == ["entry.reordered", "entry.reordered"]


@pytest.mark.parametrize("key, direction", [("discovery", "up"), ("won", "down")])
def test_the_first_cannot_move_up_nor_the_last_down(login_as, key, direction):
    version = pipeline()
    response = login_as("editor").post(f"/draft/deal_stages/{key}/move", data={"direction": direction}, headers=HX)
    assert response.status_code == 409 and "already" in html_of(response)
    assert positions(version) == ["discovery", "quote", "won"]


@pytest.mark.parametrize("direction", ["", "sideways", "UP"])
def test_moves_need_a_direction(login_as, direction):
    version = pipeline()
    response = login_as("editor").post(f"{ENTRY}/move", data={"direction": direction})
    assert response.status_code == 422 and "up or down" in html_of(response)
    assert positions(version) == ["discovery", "quote", "won"]


def test_unordered_sections_have_no_move(login_as):
    version = pipeline()
    client = login_as("editor")
    assert "Move up" not in html_of(client.get("/draft/terms"))
    response = client.post("/draft/terms/pipeline/move", data={"direction": "up"})
    assert response.status_code == 409 and "no order" in html_of(response)
    assert audit_actions() == [] and entry_by_key(version, "pipeline").revision == 1


def test_the_delete_confirmation_names_the_entries_that_refer_to_it(login_as):
    pipeline()
    page = html_of(login_as("editor").get(f"{ENTRY}/delete", headers=HX))
    assert "Pipeline (<code>pipeline</code>, Other terms: Related terms)" in page
    assert 'hx-target="#entry-list"' in page


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_deleting_removes_the_entry_and_the_references_to_it(login_as, headers):
    version = pipeline()
    response = login_as("editor").post(f"{ENTRY}/delete", headers=headers)
    assert entry_by_key(version, "quote") is None
    referrer = entry_by_key(version, "pipeline")
    assert referrer.fields["related"] == [] and referrer.revision == 2
    if headers:
        assert response.status_code == 200 and is_fragment(response)
        assert "Deleted “Quote presented”. Removed the references from pipeline." in html_of(response)
    else:
        assert response.status_code == 302 and response.headers["Location"].endswith("/draft/deal_stages")
    assert audit_actions() == ["entry.deleted"]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_deprecating_names_a_successor(login_as, headers):
    version = pipeline()
    response = login_as("editor").post(f"{ENTRY}/deprecate", data={"successor": "won", "revision": "1"},
                                       headers=headers)
    entry = entry_by_key(version, "quote")
    assert entry.deprecated and entry.superseded_by == "won" and entry.revision == 2
    if headers:
        assert response.status_code == 200 and is_fragment(response)
        assert "deprecated" in html_of(response) and "superseded by <code>won</code>" in html_of(response)
    else:
        assert response.status_code == 302
    assert audit_actions() == ["entry.deprecated"]


@pytest.mark.parametrize("successor, message", [("quote", "cannot supersede itself"),
                                                ("ghost", "There is no entry &#39;ghost&#39;")])
def test_a_successor_must_be_another_existing_entry(login_as, successor, message):
    version = pipeline()
    response = login_as("editor").post(f"{ENTRY}/deprecate", data={"successor": successor, "revision": "1"})
    assert response.status_code == 422 and message in html_of(response)
    assert not entry_by_key(version, "quote").deprecated


def test_deprecating_from_a_stale_form_asks_again(login_as):
    version = pipeline()
    client = login_as("editor")
    client.post(f"{ENTRY}/edit", data=valid_post("deal_stages", key="quote", name="Renamed", revision="1"))
    response = client.post(f"{ENTRY}/deprecate", data={"successor": "won", "revision": "1"}, headers=HX)
    assert response.status_code == 409
    assert "changed by someone else" in html_of(response) and 'value="2"' in html_of(response)
    assert not entry_by_key(version, "quote").deprecated


# --- preview and inline checks -----------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_preview_renders_markdown_on_the_server(login_as, headers):
    pipeline()
    response = login_as("editor").post("/draft/preview", data={"definition": "**Agreed** | by\n\n- both"},
                                       headers=headers)
    assert response.status_code == 200
    assert "<strong>Agreed</strong>" in html_of(response) and "<li>both</li>" in html_of(response)
    assert ("<html" in html_of(response)) != bool(headers)


def test_the_preview_refuses_active_content(login_as):
    response = login_as("editor").post("/draft/preview", data={"definition": "<script>alert(1)</script>"},
                                       headers=HX)
    assert "not allowed" in html_of(response) and "<script>" not in html_of(response)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_checking_one_field_shows_only_its_error(login_as, headers):
    draft_with_targets()
    client = login_as("editor")
    response = client.post("/draft/check/deal_stages/probability", data={"probability": "7", "name": ""},
                           headers=headers)
    assert response.status_code == 200
    page = html_of(response)
    assert "Enter a number from 0 to 1." in page and 'aria-invalid="true"' in page
    assert "A name is required." not in page
    assert ("<html" in page) != bool(headers)
    fixed = html_of(client.post("/draft/check/deal_stages/probability", data={"probability": "0.7"}, headers=HX))
    assert "field-error" not in fixed and 'value="0.7"' in fixed


def test_checking_a_key_knows_the_entry_being_edited(login_as):
    pipeline()
    client = login_as("editor")
    own = html_of(client.post("/draft/check/deal_stages/key?entry=quote", data={"key": "quote"}, headers=HX))
    assert "already used" not in own and 'id="e' in own
    taken = html_of(client.post("/draft/check/deal_stages/key", data={"key": "quote"}, headers=HX))
    assert "already used by “Quote presented”" in taken


@pytest.mark.parametrize("url", ["/draft/check/deal_stages/revision", "/draft/check/deal_stages/nope",
                                 "/draft/check/nope/name", "/draft/check/deal_stages/name?entry=ghost"])
def test_checks_of_unknown_fields_or_entries_are_not_found(login_as, url):
    pipeline()
    assert login_as("editor").post(url, data={}).status_code == 404


# --- the demo SLA through the editing pages ---------------------------------------------------

def test_every_demo_entry_shows_and_saves_unchanged_through_its_edit_form(app, login_as):
    from app.demo import load_demo
    from app.editing.forms import entry_form_class, entry_initial_data
    from app.versions.services import get_open_version

    load_demo()
    events_before = len(audit_actions())
    version = get_open_version()
    client = login_as("editor")
    for section in SECTIONS.values():
        assert client.get(f"/draft/{section.key}").status_code == 200
    for entry in list(version.entries):
        section = SECTIONS[entry.section]
        assert client.get(f"/draft/{entry.section}/{entry.key}/edit", headers=HX).status_code == 200
        form = entry_form_class(section.key)(formdata=None, data=entry_initial_data(entry), version=version,
                                             entry=entry)
        posted = {}
        for field in form:
            if field.type == "BooleanField":
                if field.data:
                    posted[field.name] = "y"
            elif field.type in ("KeyChecklistField", "ChecklistField"):
                posted[field.name] = list(field.data)
            elif field.type in ("KeySelectField", "ChoiceField"):
                posted[field.name] = field.data or ""
            else:
                posted[field.name] = field._value()
        response = client.post(f"/draft/{entry.section}/{entry.key}/edit", data=posted, headers=HX)
        assert response.status_code == 200, (entry.key, html_of(response)[:3000])
    assert len(audit_actions()) == events_before  # unchanged entries are not written again
