"""Readers see names and definitions in their language wherever the published agreement is read (term page,
glossary list and search, print, version page, draft), with a visible note where a text is not translated yet;
a changed translation reads per language in a term's history and a version's diff."""
import pytest

from app.extensions import db
from app.versions.services import open_draft
from tests.factories import make_entry, make_published
from tests.test_editing_support import entry_by_key, html_of

THAI = {"Accept-Language": "th"}
NOTE = 'class="fallback-note"'
MQL_TH = {"name": "ลีดที่ผ่านการคัดกรองโดยการตลาด", "definition": "ลีดที่ **พร้อม** ส่งต่อให้ฝ่ายขาย",
          "synonyms": ["ลีดพร้อมขาย"]}


def mql(translations=None, definition="A lead **ready** for sales; see the Handover."):
    entry = make_entry("terms", "mql", "Marketing qualified lead", definition=definition, synonyms=["MQL"],
                       related=["handover"])
    entry.translations = translations
    return entry


def handover(translations=None):
    entry = make_entry("terms", "handover", "Handover", definition="When sales takes over a lead.",
                       related=["mql"])
    entry.translations = translations
    return entry


@pytest.fixture
def published(app):
    """MQL translated into Thai, Handover not: a Thai reader sees one in Thai and one in English."""
    return make_published([mql({"th": MQL_TH}), handover()])


@pytest.fixture
def reader(login_as, published):
    return login_as("reader")


def get(client, url, headers=None) -> str:
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, url
    return html_of(response)


def test_a_thai_reader_sees_a_translated_term_in_thai(reader):
    page = get(reader, "/terms/mql", THAI)
    assert f"<title>{MQL_TH['name']}" in page
    assert f'<h1 lang="th">{MQL_TH["name"]}</h1>' not in page, "Thai on a Thai page needs no lang of its own"
    assert f"<h1>{MQL_TH['name']}</h1>" in page
    definition = page.split('class="definition">')[1].split("</div>")[0]
    assert "<strong>พร้อม</strong>" in definition and "ready" not in definition
    assert NOTE not in page.split('id="definition-heading"')[1].split("</section>")[0]
    assert '<ul class="field-items" lang="th"><li>ลีดพร้อมขาย</li></ul>' in page  # its synonyms


def test_a_thai_reader_sees_an_untranslated_term_in_english_with_the_note(reader):
    page = get(reader, "/terms/handover", THAI)
    assert '<h1 lang="en">Handover</h1>' in page
    assert '<div lang="en" class="definition">' in page and "When sales takes over a lead." in page
    assert page.count(NOTE) >= 2  # beside the name and the definition
    backlinks = page.split('id="backlinks-heading"')[1].split("</section>")[0]
    assert f'href="/terms/mql">{MQL_TH["name"]}</a>' in backlinks


def test_an_english_reader_sees_english_without_a_note(reader):
    page = get(reader, "/terms/mql")
    assert "<h1>Marketing qualified lead</h1>" in page and "<strong>ready</strong>" in page
    assert "ลีด" not in page.split("</h1>")[0] and NOTE not in page
    assert 'href="/terms/handover" class="term-link"' in page  # auto-links keep working


def test_a_translated_definition_links_mentions_by_their_translated_names(app, login_as):
    make_published([mql({"th": {"definition": "ส่งต่อด้วย การส่งมอบ ตามข้อตกลง"}}),
                    handover({"th": {"name": "การส่งมอบ", "definition": "เมื่อฝ่ายขายรับลีดต่อ"}})])
    client = login_as("reader")
    definition = get(client, "/terms/mql", THAI).split('class="definition">')[1].split("</div>")[0]
    assert '<a href="/terms/handover" class="term-link" title="เมื่อฝ่ายขายรับลีดต่อ">การส่งมอบ</a>' in definition
    english = get(client, "/terms/mql")
    assert 'class="term-link" title="When sales takes over a lead.">Handover</a>' in english, "titles per language"


def test_the_glossary_list_shows_the_readers_names_with_the_primary_beside(reader):
    page = get(reader, "/glossary", THAI)
    assert f'class="term-name" lang="th">{MQL_TH["name"]}</a>' in page
    assert '<small class="primary-name" lang="en">Marketing qualified lead</small>' in page
    assert '<p lang="th">ลีดที่ พร้อม ส่งต่อให้ฝ่ายขาย</p>' in page  # the summary from the Thai definition
    handover_item = page.split('href="/terms/handover"')[1].split("</li>")[0]
    assert 'lang="en">Handover</a>' in handover_item and NOTE in handover_item


def test_a_search_by_the_primary_name_shows_both_names(reader):
    page = get(reader, "/glossary?q=marketing", THAI)
    assert f'lang="th">{MQL_TH["name"]}</a>' in page
    assert '<small class="primary-name" lang="en"><mark>Marketing</mark> qualified lead</small>' in page


@pytest.mark.parametrize("headers", [THAI, {}])
def test_a_word_only_in_the_translated_definition_finds_the_term(reader, headers):
    page = get(reader, "/glossary?q=" + "ส่งต่อ", headers)  # in MQL's Thai definition alone
    assert 'href="/terms/mql"' in page and 'href="/terms/handover"' not in page
    assert "<mark>ส่งต่อ</mark>" in page


def test_the_glossary_list_in_english_is_unchanged(reader):
    page = get(reader, "/glossary")
    assert 'class="term-name" lang="en">Marketing qualified lead</a>' in page
    assert "primary-name" not in page and NOTE not in page and "ลีด" not in page


def test_the_htmx_search_block_shows_the_readers_names(reader):
    page = get(reader, "/glossary?q=handover", {**THAI, "HX-Request": "true"})
    assert "<html" not in page and 'lang="en"><mark>Handover</mark></a>' in page and NOTE in page


def test_print_reads_in_the_readers_language(reader):
    page = get(reader, "/print", THAI)
    assert f'<span lang="th">{MQL_TH["name"]}</span>' in page and "<strong>พร้อม</strong>" in page
    assert '<span lang="en">Handover</span>' in page and NOTE in page
    english = get(reader, "/print")
    assert '<span lang="en">Marketing qualified lead</span>' in english and NOTE not in english


def test_the_version_page_reads_in_the_readers_language(reader):
    page = get(reader, "/versions/1.0.0", THAI)
    assert f'<span lang="th">{MQL_TH["name"]}</span>' in page and "<strong>พร้อม</strong>" in page
    assert '<span lang="en">Handover</span>' in page and NOTE in page


def test_the_draft_reads_in_the_readers_language(app, people, login_as, published):
    open_draft(by=people["editor"])
    db.session.commit()
    page = get(login_as("editor"), "/draft/terms", THAI)
    assert f'<span lang="th">{MQL_TH["name"]}</span>' in page and "<strong>พร้อม</strong>" in page
    assert '<span lang="en">Handover</span>' in page and NOTE in page


def test_a_term_history_shows_a_changed_translation_per_language(reader):
    make_published([mql({"th": {**MQL_TH, "name": "ลีดคุณภาพจากการตลาด"}}), handover()], number="1.0.1")
    page = get(reader, "/terms/mql")
    history = page.split('id="history-heading"')[1]
    assert "<dt>Name in Thai</dt>" in history and '<dd lang="th">' in history
    assert "Translations" not in history and "{" not in history.split("</section>")[0]


def test_a_version_diff_shows_a_changed_translation_per_language(app, people, login_as, published):
    draft = open_draft(by=people["editor"])
    entry_by_key(draft, "mql").translations = {"th": {**MQL_TH, "definition": "ลีดที่พร้อมแล้ว"}}
    db.session.commit()
    page = get(login_as("editor"), "/versions/open")
    assert "<dt>Definition in Thai</dt>" in page and '<dd lang="th" class="text-diff">' in page
