"""Content in two languages: translations of an entry's prose in the model, the published document, its
schema, the entry form, the diff and version numbers, the reading pages, the API's ?lang= and the demo."""
import copy
import json

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select

from app.demo import create_demo_users
from app.demo.loader import DemoContentError, load_demo_content
from app.extensions import db
from app.models import AuditEvent, Entry
from app.sla.document import build_document, canonical_bytes, sections_dict, stated_language
from app.sla.schema import document_schema
from app.transactions import transaction
from app.versions.language import primary_language, set_primary_language
from app.versions.services import get_current_version, get_open_version, next_number, open_draft
from tests.factories import edit_entry, make_draft, make_entry, make_published, sign_off
from tests.test_api_support import auth, published, sla_entries, token  # noqa: F401
from tests.test_editing_support import entry_by_key, html_of, valid_post

THAI = {"Accept-Language": "th"}
PERSONA_TH = {"name": "เพตรา ผู้จัดการโรงงาน", "definition": "ผู้จัดการโรงงาน **ผลิตภัณฑ์นม**",
              "goals": ["ลดเวลาหยุดไลน์", "ลดต้นทุนต่อหน่วย"]}


def persona(translations=None) -> Entry:
    entry = make_entry("personas", "petra", "Petra, the plant manager", definition="Runs a **dairy** plant.",
                       goals=["Less downtime", "Lower unit cost"], pains=["Unplanned stops"])
    entry.translations = translations
    return entry


def schema_errors(document: dict) -> list[str]:
    validator = Draft202012Validator(document_schema(), format_checker=FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


# --- the published document ------------------------------------------------------------------

def test_an_entry_without_translations_keeps_todays_shape(app):
    version = make_published([persona(), make_entry("terms", "mql", "MQL")])
    document = json.loads(version.document)
    assert "language" not in document
    assert all("translations" not in e for entries in document["sections"].values() for e in entries)
    rebuilt = build_document(version, sections=sections_dict(version.entries))
    assert canonical_bytes(rebuilt) == canonical_bytes({**document, "approvals": []})


def test_translations_are_on_the_entry_and_the_document_says_its_language(app):
    version = make_published([persona({"th": PERSONA_TH}), make_entry("terms", "mql", "MQL")])
    sections = sections_dict(version.entries)
    entry = sections["personas"][0]
    assert entry["translations"] == {"th": PERSONA_TH}
    assert "translations" not in sections["terms"][0]
    assert stated_language("en", sections) == "en"
    assert stated_language("en", {"terms": sections["terms"]}) is None
    assert stated_language("th", {"terms": sections["terms"]}) == "th"


def test_empty_translated_fields_are_not_stored_in_the_document(app):
    version = make_draft([persona({"th": {"name": "", "goals": [], "definition": "นิยาม"}, "en": {}})])
    entry = sections_dict(version.entries)["personas"][0]
    assert entry["translations"] == {"th": {"definition": "นิยาม"}}


def test_a_published_version_states_its_primary_language(app, people, approvers):
    make_published([make_entry("terms", "mql", "MQL")])
    with transaction():
        set_primary_language("th", by=people["admin"])
    draft = open_draft(by=people["editor"])
    edit_entry(draft, "mql", by=people["editor"], definition="นิยามใหม่")
    published_now = sign_off(draft, people["editor"], approvers)
    assert json.loads(published_now.document)["language"] == "th"
    assert db.session.scalars(select(AuditEvent.action)).all().count("settings.language_changed") == 1


def test_published_bytes_never_change_when_the_language_does(app, people):
    version = make_published([persona({"th": PERSONA_TH})])
    before = version.document
    with transaction():
        set_primary_language("th", by=people["admin"])
    db.session.expire_all()
    assert get_current_version().document == before


# --- the JSON Schema ----------------------------------------------------------------------------

def test_the_schema_accepts_a_document_with_translations(app):
    version = make_published([persona({"th": PERSONA_TH})])
    document = json.loads(version.document)
    assert schema_errors(document) == [] and schema_errors({**document, "language": "th"}) == []


@pytest.mark.parametrize("translations, message", [
    ({"fr": {"name": "Petra"}}, "is not one of"),
    ({"th": {"surprise": "x"}}, "Additional properties"),
    ({"th": {"goals": "not a list"}}, "is not of type 'array'"),
    ({"th": {"name": ""}}, "should be non-empty"),
    ({"th": {}}, "should be non-empty"),
    ({}, "should be non-empty"),
    ({"th": {"icp": "icp-key"}}, "Additional properties"),
])
def test_the_schema_refuses_malformed_translations(app, translations, message):
    document = json.loads(make_published([persona({"th": PERSONA_TH})]).document)
    broken = copy.deepcopy(document)
    broken["sections"]["personas"][0]["translations"] = translations
    errors = schema_errors(broken)
    assert errors and any(message in e for e in errors), errors


def test_the_schema_refuses_an_unknown_language(app):
    document = json.loads(make_published([persona()]).document)
    assert any("is not one of" in e for e in schema_errors({**document, "language": "fr"}))


# --- editing --------------------------------------------------------------------------------------

def persona_draft():
    return make_draft([persona({"th": {"name": "เพตรา"}})])


def persona_post(**overrides) -> dict:
    data = valid_post("personas", key="petra", name="Petra, the plant manager", revision="1", icp="")
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def test_the_form_puts_each_translation_beside_its_original(login_as):
    persona_draft()
    page = html_of(login_as("editor").get("/draft/personas/petra/edit"))
    assert 'name="translated_name"' in page and 'value="เพตรา"' in page
    assert "Name in Thai" in page and "Definition in Thai" in page and "Goals in Thai" in page
    assert page.count('class="translation-pair"') == 6  # definition and the five lists
    assert 'lang="th"' in page and 'lang="en"' in page


def test_the_form_reads_in_thai(login_as):
    persona_draft()
    page = html_of(login_as("editor").get("/draft/personas/petra/edit", headers=THAI))
    assert "Name in Thai" not in page and "Deprecation" not in page and "(ภาษาไทย)" in page


def test_a_save_stores_the_translations(login_as):
    version = persona_draft()
    response = login_as("editor").post("/draft/personas/petra/edit", data=persona_post(
        translated_name="เพตรา ผู้จัดการโรงงาน", translated_definition="ผู้จัดการ",
        job_titles="Plant manager", translated_job_titles="ผู้จัดการโรงงาน", translated_goals=""))
    assert response.status_code == 302
    entry = entry_by_key(version, "petra")
    assert entry.translations == {"th": {"name": "เพตรา ผู้จัดการโรงงาน", "definition": "ผู้จัดการ",
                                         "job_titles": ["ผู้จัดการโรงงาน"]}}


def test_clearing_every_translation_stores_none(login_as):
    version = persona_draft()
    login_as("editor").post("/draft/personas/petra/edit", data=persona_post(translated_name=""))
    assert entry_by_key(version, "petra").translations is None


@pytest.mark.parametrize("field, value, message", [
    ("translated_goals", "หนึ่ง", "Translate item by item: 2 lines, as many as the original has."),
    ("translated_name", "<b>เพตรา</b>", "HTML is not allowed here"),
    ("translated_name", "เพตรา\x07", "Control characters are not allowed."),
    ("translated_name", "ก" * 201, "200"),
    ("translated_definition", "<script>x</script>", "Scripts, frames"),
    ("translated_pains", "ก" * 501 + "\nสอง", "500"),
])
def test_a_translation_is_checked_like_its_original(login_as, field, value, message):
    version = persona_draft()
    data = persona_post(goals="First\nSecond", pains="One\nTwo", **{field: value})
    response = login_as("editor").post("/draft/personas/petra/edit", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert message in html_of(response)
    assert entry_by_key(version, "petra").translations == {"th": {"name": "เพตรา"}}


def test_the_inline_check_of_a_translation_names_its_language(login_as):
    persona_draft()
    response = login_as("editor").post("/draft/check/personas/translated_goals?entry=petra",
                                       data=persona_post(goals="A\nB", translated_goals="ก"),
                                       headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = html_of(response)
    assert "Goals in Thai" in page and "Translate item by item" in page and 'lang="th"' in page


def test_the_service_refuses_a_translation_that_does_not_fit(app, people):
    from app.editing.services import EditingError, update_entry
    version = persona_draft()
    entry = entry_by_key(version, "petra")
    data = {"key": "petra", "name": "Petra", "team": "marketing", "definition": "",
            "fields": {"goals": ["One", "Two"]}, "translations": {"th": {"goals": ["หนึ่ง"]}}}
    with pytest.raises(EditingError, match="as many items"), transaction():
        update_entry(entry, data, revision=1, by=people["editor"])


# --- the diff and the version number ----------------------------------------------------------------

def test_a_translation_only_change_publishes_as_a_patch(app, people, approvers):
    make_published([persona()])
    draft = open_draft(by=people["editor"])
    entry = entry_by_key(draft, "petra")
    entry.translations = {"th": {"name": "เพตรา"}}
    db.session.commit()
    assert next_number(draft) == ("1.0.1", "patch", [])
    assert sign_off(draft, people["editor"], approvers).number == "1.0.1"


def test_removing_a_translation_is_a_patch_not_a_removal(app, people):
    make_published([persona({"th": PERSONA_TH})])
    draft = open_draft(by=people["editor"])
    assert entry_by_key(draft, "petra").translations == {"th": PERSONA_TH}, "a new draft copies them"
    entry_by_key(draft, "petra").translations = None
    db.session.commit()
    assert next_number(draft) == ("1.0.1", "patch", [])


def test_the_review_shows_translation_changes_by_language(app, people):
    make_published([persona({"th": {"name": "เพตรา"}})])
    draft = open_draft(by=people["editor"])
    entry_by_key(draft, "petra").translations = {"th": {"name": "เพตรา ผู้จัดการ", "goals": ["ก", "ข"]}}
    db.session.commit()
    from app.versions.services import submit_version
    submit_version(draft, by=people["editor"])
    db.session.commit()
    from tests.conftest import sign_in
    client = app.test_client()
    sign_in(client, people["marketing_approver"])
    page = html_of(client.get("/review"))
    assert "Name in Thai" in page and "Goals in Thai" in page
    assert 'lang="th"' in page and "<ins> ผู้จัดการ</ins>" in page


# --- readers ---------------------------------------------------------------------------------------

def test_readers_in_thai_see_the_thai_with_the_rest_marked(login_as):
    make_published([persona({"th": PERSONA_TH})])
    page = html_of(login_as("reader").get("/versions/1.0.0", headers=THAI))
    assert '<ul class="field-items" lang="th"><li>ลดเวลาหยุดไลน์</li>' in page
    assert '<ul class="field-items" lang="en"><li>Unplanned stops</li>' in page
    assert 'class="fallback-note"' in page


def test_readers_in_english_see_the_english_without_a_note(login_as):
    make_published([persona({"th": PERSONA_TH})])
    page = html_of(login_as("reader").get("/versions/1.0.0"))
    assert '<ul class="field-items" lang="en"><li>Less downtime</li>' in page
    assert "ลดเวลา" not in page and "fallback-note" not in page


@pytest.mark.parametrize("headers, name, note", [
    (THAI, '<span lang="th">เพตรา ผู้จัดการโรงงาน</span>', False),
    ({}, '<span lang="en">Petra, the plant manager</span>', False),
])
def test_entry_name_and_definition_macros(app, headers, name, note):
    from flask import render_template_string
    entry = sections_dict([persona({"th": PERSONA_TH})])["personas"][0]
    untranslated = sections_dict([persona()])["personas"][0]
    source = ('{% from "_entry.html" import entry_name, entry_definition %}'
              '{{ entry_name(entry, "en") }}|{{ entry_definition(entry, "en") }}|{{ entry_name(other, "en") }}')
    with app.test_request_context("/", headers=headers):
        html = render_template_string(source, entry=entry, other=untranslated)
    shown, definition, fallback = html.split("|")
    assert shown == name
    assert ("<strong>ผลิตภัณฑ์นม</strong>" in definition) == bool(headers)
    assert ("fallback-note" in fallback) == bool(headers)


def test_the_localized_filter_falls_back_to_the_primary_language(app):
    from app.versions.language import localized_field
    entry = sections_dict([persona({"th": {"name": "เพตรา"}})])["personas"][0]
    with app.test_request_context("/", headers=THAI):
        name, definition = localized_field(entry, "name", "en"), localized_field(entry, "definition", "en")
        assert (str(name), name.language, name.fallback) == ("เพตรา", "th", False)
        assert (definition.language, definition.fallback) == ("en", True)
        assert primary_language() == "en"


# --- the API ----------------------------------------------------------------------------------------

@pytest.fixture
def bilingual(app, make_user):
    approvers = [make_user("approver", "marketing"), make_user("approver", "sales")]
    return make_published([persona({"th": PERSONA_TH}), make_entry("terms", "mql", "MQL")],
                          approvers=approvers)


@pytest.mark.parametrize("url", ["/api/v1/sla", "/api/v1/sla/versions/1.0.0"])
def test_lang_gives_the_entries_in_that_language(client, bilingual, auth, url):
    response = client.get(f"{url}?lang=th", headers=auth)
    assert response.status_code == 200
    document = response.get_json()
    assert (document["language"], document["primary_language"]) == ("th", "en")
    petra, mql = document["sections"]["personas"][0], document["sections"]["terms"][0]
    assert petra["name"] == PERSONA_TH["name"] and petra["goals"] == PERSONA_TH["goals"]
    assert petra["pains"] == ["Unplanned stops"] and petra["untranslated"] == ["pains"]
    assert "translations" not in petra
    assert mql["name"] == "MQL" and mql["untranslated"] == ["name", "definition"]
    assert schema_errors(document) == []
    english = client.get(f"{url}?lang=en", headers=auth).get_json()
    assert english["sections"]["personas"][0]["name"] == "Petra, the plant manager"
    assert "untranslated" not in english["sections"]["personas"][0]


@pytest.mark.parametrize("url, cache", [("/api/v1/sla", "no-cache"), ("/api/v1/sla/versions/1.0.0", "immutable")])
def test_lang_has_its_own_etag_and_304_while_the_canonical_answer_is_unchanged(client, bilingual, auth, url,
                                                                                cache):
    canonical = client.get(url, headers=auth)
    assert canonical.data == bilingual.document and canonical.headers["ETag"] == f'"{bilingual.sha256}"'
    thai = client.get(f"{url}?lang=th", headers=auth)
    etag = thai.headers["ETag"]
    assert etag == f'"{bilingual.sha256}-th"' and cache in thai.headers["Cache-Control"]
    assert thai.headers["Vary"] == canonical.headers["Vary"]
    assert client.get(f"{url}?lang=th", headers={**auth, "If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={**auth, "If-None-Match": etag}).status_code == 200
    assert client.get(f"{url}?lang=en", headers={**auth, "If-None-Match": etag}).status_code == 200
    again = client.get(url, headers=auth)
    assert again.data == bilingual.document and again.headers["ETag"] == canonical.headers["ETag"]
    assert client.get(url, headers={**auth, "If-None-Match": canonical.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("lang", ["fr", "", "TH", "th-TH"])
def test_an_unknown_lang_is_a_400_problem(client, bilingual, auth, lang):
    for url in ("/api/v1/sla", "/api/v1/sla/versions/1.0.0"):
        response = client.get(f"{url}?lang={lang}", headers=auth)
        assert response.status_code == 400
        assert response.mimetype == "application/problem+json"
        assert "Languages: en, th" in response.get_json()["detail"]


def test_other_query_parameters_still_get_the_canonical_bytes(client, bilingual, auth):
    response = client.get("/api/v1/sla?utm=x", headers=auth)
    assert response.data == bilingual.document


def test_openapi_describes_lang(client, auth):
    paths = client.get("/api/v1/openapi.json", headers=auth).get_json()["paths"]
    for path in ("/sla", "/sla/versions/{version}"):
        operation = paths[path]["get"]
        assert any(p["name"] == "lang" for p in operation["parameters"]) and "400" in operation["responses"]


# --- the admin setting -------------------------------------------------------------------------------

def test_an_admin_sets_the_primary_language(login_as):
    admin = login_as("admin")
    page = html_of(admin.get("/admin/language"))
    assert 'value="en" checked' in page or ('checked' in page and 'value="en"' in page)
    assert admin.post("/admin/language", data={"language": "th"}).status_code == 302
    assert primary_language() == "th"
    assert admin.post("/admin/language", data={"language": "fr"}).status_code == 400
    assert primary_language() == "th"


def test_the_language_page_is_for_admins_only(login_as):
    assert login_as("editor").get("/admin/language").status_code == 403
    assert login_as("editor").post("/admin/language", data={"language": "th"}).status_code == 403


# --- the demo loader ---------------------------------------------------------------------------------

SMALL = {"terms": [{"key": "handover", "name": "Handover", "team": "sales", "definition": "The passing of a lead.",
                    "synonyms": ["hand-off"], "related": []}]}
SMALL_CHANGES = [
    {"op": "add", "section": "terms", "entry": {"key": "churn", "name": "Churn", "team": "sales",
                                                "definition": "A lost customer."}},
    {"op": "update", "key": "handover", "changes": {"definition": "Passing a lead to sales."}},
]
SMALL_TH = {"terms": {"handover": {"name": "การส่งต่อ", "definition": "การส่งต่อลีด", "synonyms": ["แฮนด์ออฟ"]},
                      "churn": {"name": "ลูกค้าที่เสียไป"}},
            "draft": {"terms": {"handover": {"definition": "การส่งต่อลีดให้ฝ่ายขาย"}}}}


def test_the_demo_loader_gives_entries_their_translations(app):
    create_demo_users()
    assert load_demo_content(SMALL, SMALL_CHANGES, {"th": SMALL_TH}) is True
    published_now = json.loads(get_current_version().document)
    assert published_now["language"] == "en"
    assert published_now["sections"]["terms"][0]["translations"] == {"th": SMALL_TH["terms"]["handover"]}
    draft = {e.key: e for e in get_open_version().entries}
    assert draft["handover"].translations == {"th": {**SMALL_TH["terms"]["handover"],
                                                     "definition": "การส่งต่อลีดให้ฝ่ายขาย"}}
    assert draft["churn"].translations == {"th": {"name": "ลูกค้าที่เสียไป"}}


@pytest.mark.parametrize("broken", [
    {"terms": {"handover": {"synonyms": ["หนึ่ง", "สอง"]}}},
    {"terms": {"handover": {"related": ["x"]}}},
    {"terms": {"handover": {"name": "ก" * 201}}},
])
def test_a_translation_that_does_not_fit_loads_nothing(app, broken):
    create_demo_users()
    with pytest.raises(DemoContentError, match="does not fit"), transaction():
        load_demo_content(SMALL, SMALL_CHANGES, {"th": broken})
    assert db.session.scalar(select(Entry.id)) is None


def test_flask_demo_loads_the_thai_of_every_entry(app, runner):
    runner.invoke(args=["demo"])
    current = json.loads(get_current_version().document)
    assert all(e["translations"]["th"]["name"] for entries in current["sections"].values() for e in entries)
    assert all(e.translations and e.translations["th"]["name"] for e in get_open_version().entries)
    assert schema_errors(current) == []


# --- the glossary search -------------------------------------------------------------------------------

def test_the_glossary_search_finds_a_term_by_its_translated_name(app):
    from app.glossary.index import ensure_search_index
    from app.glossary.search import search_terms
    make_published([persona({"th": PERSONA_TH}), make_entry("terms", "mql", "MQL")])
    ensure_search_index()
    assert [hit.key for hit in search_terms("ผู้จัดการโรงงาน")[0]] == ["petra"]
    assert [hit.key for hit in search_terms("Petra")[0]] == ["petra"]
