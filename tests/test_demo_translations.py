"""The Thai translation of the demo SLA: every demo text has one, shaped like the English, and it holds
nothing the demo does not have. Pure data: no database."""
import json
import re

import pytest

from app.demo.content import DATA, DRAFT_CHANGES, PUBLISHED
from app.sla.sections import DEFINITION_MAX, LONGTEXT_MAX, NAME_MAX, PROSE_BASE_FIELDS, SECTIONS, TEXT_MAX

TH = json.loads((DATA / "translations" / "th.json").read_text(encoding="utf-8"))
THAI = re.compile("[\u0e01-\u0e5b]")
# Names and acronyms that Thai teams write in Latin letters: a list item whose English is exactly one of
# these may stay as it is. Every other text, names included, must be translated.
KEPT_AS_WRITTEN = frozenset({"SLA", "OEE", "FAT", "RFQ", "LinkedIn"})
DRAFT = "draft"


def prose_fields(section_key: str) -> tuple[str, ...]:
    """The fields of a section that are translated: name, definition and its prose fields."""
    return PROSE_BASE_FIELDS + tuple(f.name for f in SECTIONS[section_key].fields if f.is_prose)


def translatable(section_key: str, source: dict) -> dict:
    """The non-empty prose of an entry or of a change, by field."""
    return {name: source[name] for name in prose_fields(section_key) if source.get(name)}


def expected_texts() -> dict[tuple, dict]:
    """English prose by where its Thai belongs: (section, key) at the top, ('draft', section, key) for updates."""
    texts = {(section, e["key"]): translatable(section, e) for section, entries in PUBLISHED.items() for e in entries}
    for change in DRAFT_CHANGES:
        if change["op"] == "add":
            texts[(change["section"], change["entry"]["key"])] = translatable(change["section"], change["entry"])
    section_of = {key: section for section, key in texts}
    for change in DRAFT_CHANGES:
        if change["op"] == "update":
            section = section_of[change["key"]]
            changed = translatable(section, change["changes"])
            if changed:
                texts[(DRAFT, section, change["key"])] = changed
    return texts


EXPECTED = expected_texts()


def thai_for(place: tuple) -> dict:
    """The Thai fields stored at a place of EXPECTED; empty when there are none."""
    node = TH
    for part in place:
        node = node.get(part, {})
    return node


def pairs() -> list:
    """(English, Thai) of every translated field, named by place and field."""
    return [pytest.param(english, thai_for(place).get(name), id=f"{'/'.join(place)}/{name}")
            for place, fields in EXPECTED.items() for name, english in fields.items()]


def stored_places() -> set[tuple]:
    """Every (section, key) and ('draft', section, key) the Thai file holds."""
    places = {(section, key) for section, entries in TH.items() if section != DRAFT for key in entries}
    return places | {(DRAFT, section, key) for section, entries in TH.get(DRAFT, {}).items() for key in entries}


def test_the_file_is_sections_of_entries_and_a_draft():
    assert set(TH) <= set(PUBLISHED) | {DRAFT}
    assert all(isinstance(entries, dict) and entries for entries in TH.values())


def test_every_demo_entry_and_draft_change_is_translated_and_nothing_else():
    assert stored_places() == set(EXPECTED)


@pytest.mark.parametrize("place", sorted(EXPECTED), ids="/".join)
def test_every_non_empty_prose_field_and_no_other_is_translated(place):
    assert EXPECTED[place].keys() >= {"name", "definition"} or place[0] == DRAFT
    assert set(thai_for(place)) == set(EXPECTED[place])


@pytest.mark.parametrize(("english", "thai"), pairs())
def test_translation_has_the_shape_of_the_english(english, thai):
    if isinstance(english, list):
        assert isinstance(thai, list) and len(thai) == len(english)
        for english_item, thai_item in zip(english, thai):
            assert_translated(english_item, thai_item)
    else:
        assert_translated(english, thai)
        assert_same_markdown(english, thai)


def assert_translated(english: str, thai: str) -> None:
    """Thai text, not the English again, unless the English is a name Thai teams keep in Latin letters."""
    assert isinstance(thai, str) and thai.strip() == thai and thai
    if english in KEPT_AS_WRITTEN:
        assert thai == english
        return
    assert thai != english
    assert THAI.search(thai), f"no Thai script in {thai!r}"


def assert_same_markdown(english: str, thai: str) -> None:
    """Same paragraphs, bullets and emphasis, so the Thai renders with the layout of the English."""
    assert thai.count("\n\n") == english.count("\n\n")
    assert thai.count("\n") == english.count("\n")
    bullets = re.compile(r"^- ", re.MULTILINE)
    assert len(bullets.findall(thai)) == len(bullets.findall(english))
    assert thai.count("**") == english.count("**")


@pytest.mark.parametrize("place", sorted(EXPECTED), ids="/".join)
def test_translations_fit_the_limits_of_their_fields(place):
    section = SECTIONS[place[-2]]
    kinds = {f.name: f.kind for f in section.fields}
    for name, thai in thai_for(place).items():
        if name == "name":
            assert len(thai) <= NAME_MAX and "\n" not in thai
        elif name == "definition":
            assert len(thai) <= DEFINITION_MAX
        elif kinds[name] == "text":
            assert len(thai) <= TEXT_MAX and "\n" not in thai
        elif kinds[name] == "longtext":
            assert len(thai) <= LONGTEXT_MAX
        else:
            assert all(len(item) <= TEXT_MAX and "\n" not in item for item in thai)


def test_thai_names_are_unique_so_glossary_mentions_are_unambiguous():
    names = [TH[place[0]][place[1]]["name"] for place in stored_places() if place[0] != DRAFT]
    assert len(names) == len(set(names))


def test_kept_latin_items_are_only_those_the_demo_uses():
    used = {item for fields in EXPECTED.values() for value in fields.values() if isinstance(value, list)
            for item in value}
    assert KEPT_AS_WRITTEN <= used
