"""Entry validation, section by section: every limit, every kind, every reference; nothing half-saved."""
import pytest

from app.editing.fields import choice_label
from app.editing.forms import entry_form_class
from app.sla.sections import DEFINITION_MAX, LIST_MAX_ITEMS, NAME_MAX, SECTION_KEYS, SECTION_LIST, SECTIONS, TEXT_MAX
from tests.factories import make_entry, make_published
from tests.test_editing_support import (
    audit_actions, draft_with_targets, entry_by_key, html_of, stored_value, target_key, valid_post,
)

FIELDS = [(s.key, f) for s in SECTION_LIST for f in s.fields]


def named(pairs):
    return [pytest.param(section, f, id=f"{section}.{f.name}") for section, f in pairs]


def fields_of_kind(*kinds):
    return named((section, f) for section, f in FIELDS if f.kind in kinds)


@pytest.fixture
def editor(login_as):
    return login_as("editor")


@pytest.fixture
def draft(app):
    return draft_with_targets()


def add(client, section_key, **overrides):
    return client.post(f"/draft/{section_key}", data=valid_post(section_key, **overrides))


def assert_refused(response, draft, message, key="new-entry"):
    assert response.status_code == 422, html_of(response)[:2000]
    assert message in html_of(response)
    assert entry_by_key(draft, key) is None
    assert "entry.created" not in audit_actions()


@pytest.mark.parametrize("section_key", SECTION_KEYS)
def test_a_valid_entry_of_every_section_is_saved_with_its_structured_fields(editor, draft, section_key):
    response = add(editor, section_key)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/draft/{section_key}#entry-new-entry")
    entry = entry_by_key(draft, "new-entry")
    assert entry.section == section_key and entry.name == "A new entry" and entry.team == "marketing"
    assert entry.definition == "Agreed by **both** teams."
    assert entry.revision == 1 and entry.updated_by_id == editor.user.id
    for f in SECTIONS[section_key].fields:
        assert entry.fields[f.name] == stored_value(f), f.name
    assert list(entry.fields) == SECTIONS[section_key].field_names
    assert audit_actions() == ["entry.created"]


@pytest.mark.parametrize("section_key", SECTION_KEYS)
def test_optional_fields_left_empty_are_stored_empty(editor, draft, section_key):
    section = SECTIONS[section_key]
    blanks = {f.name: ("" if f.kind not in ("refs", "bool") else None) for f in section.fields if not f.required}
    assert add(editor, section_key, **blanks).status_code == 302
    entry = entry_by_key(draft, "new-entry")
    for f in section.fields:
        if not f.required:
            assert entry.fields[f.name] in (None, [], False), f.name


@pytest.mark.parametrize("section_key, f", named(p for p in FIELDS if p[1].required))
def test_every_required_field_is_required(editor, draft, section_key, f):
    response = add(editor, section_key, **{f.name: ""})
    assert_refused(response, draft,
                   "needs at least one line" if f.kind in ("list", "criteria", "choices", "dates") else "is required")
    assert f'id="new-{f.name}-error"' in html_of(response)


@pytest.mark.parametrize("section_key, f", fields_of_kind("int", "number"))
def test_numbers_outside_their_range_or_not_numbers_are_refused(editor, draft, section_key, f):
    step = 1 if f.kind == "int" else 0.5
    typed_values = [str(f.minimum - step), str(f.maximum + step), "abc", "nan", "inf", "-inf", "1e999", "1_0",
                    "٣", "0x10", " "]
    for typed in typed_values:
        response = add(editor, section_key, **{f.name: typed})
        message = "is required" if typed == " " and f.required else "Enter a"
        if typed == " " and not f.required:
            continue
        assert_refused(response, draft, message)


@pytest.mark.parametrize("section_key, f", fields_of_kind("int"))
def test_whole_numbers_refuse_fractions(editor, draft, section_key, f):
    assert_refused(add(editor, section_key, **{f.name: "2.5"}), draft, "Enter a whole number")


@pytest.mark.parametrize("section_key, f", fields_of_kind("number"))
def test_numbers_keep_the_shape_they_were_typed_in(editor, draft, section_key, f):
    assert add(editor, section_key, **{f.name: str(int(f.maximum))}).status_code == 302
    value = entry_by_key(draft, "new-entry").fields[f.name]
    assert value == int(f.maximum) and isinstance(value, int)


def test_probability_is_a_fraction_between_0_and_1(editor, draft):
    assert_refused(add(editor, "deal_stages", probability="40"), draft, "Enter a number from 0 to 1.")
    assert add(editor, "deal_stages", probability="0.4").status_code == 302
    assert entry_by_key(draft, "new-entry").fields["probability"] == 0.4


@pytest.mark.parametrize("section_key, f", fields_of_kind("choice"))
def test_choices_outside_the_enumeration_are_refused(editor, draft, section_key, f):
    response = add(editor, section_key, **{f.name: "bogus"})
    assert_refused(response, draft, "Choose one of: " + ", ".join(str(choice_label(c)) for c in f.choices))


@pytest.mark.parametrize("section_key, f", fields_of_kind("team"))
def test_team_fields_take_only_existing_teams(editor, draft, section_key, f):
    assert_refused(add(editor, section_key, **{f.name: "no-such-team"}), draft, "There is no team &#39;no-such-team&#39;")


@pytest.mark.parametrize("section_key, f", fields_of_kind("ref", "refs"))
def test_references_must_point_into_the_same_version(editor, app, section_key, f):
    published = make_published([make_entry("terms", "only-in-published"),
                                make_entry("icp", "icp-only-in-published"),
                                make_entry("lifecycle_stages", "stage-only-in-published")])
    assert published.state == "published"
    draft = draft_with_targets()
    wrong_section = "commitments" if f.ref_section != "commitments" else "terms"
    cases = {"no-such-key": "There is no entry &#39;no-such-key&#39;",
             "new-entry": "An entry cannot refer to itself."}
    in_published = {"icp": "icp-only-in-published", "lifecycle_stages": "stage-only-in-published"}
    other_version_key = in_published.get(f.ref_section, "only-in-published")
    cases[other_version_key] = f"There is no entry &#39;{other_version_key}&#39;"
    if f.ref_section is not None:
        cases[target_key(wrong_section)] = f"There is no entry &#39;{target_key(wrong_section)}&#39;"
    for value, message in cases.items():
        response = add(editor, section_key, **{f.name: [value] if f.kind == "refs" else value})
        assert_refused(response, draft, message)


@pytest.mark.parametrize("value, message", [
    ("", "A key is required."),
    ("MQL", "lowercase letters"),
    ("has space", "lowercase letters"),
    ("-leading-dash", "lowercase letters"),
    ("a" * 65, "lowercase letters"),
    ("clé", "lowercase letters"),
    ("a/b", "lowercase letters"),
])
def test_keys_must_be_slugs(editor, draft, value, message):
    assert_refused(add(editor, "terms", key=value), draft, message, key=value)


def test_keys_are_unique_across_all_sections_of_the_version(editor, draft):
    response = add(editor, "terms", key=target_key("deal_stages"))
    assert response.status_code == 422
    assert "already used by" in html_of(response) and "Deal stages" in html_of(response)
    assert audit_actions() == []


def test_a_key_of_another_version_may_be_used_again(editor, app):
    make_published([make_entry("terms", "reused")])
    draft = draft_with_targets()
    assert add(editor, "terms", key="reused").status_code == 302
    assert entry_by_key(draft, "reused").section == "terms"


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "A name is required."),
    ("name", "n" * (NAME_MAX + 1), f"longer than {NAME_MAX}"),
    ("definition", "d" * (DEFINITION_MAX + 1), f"longer than {DEFINITION_MAX}"),
    ("team", "", "Choose the team that owns this entry."),
    ("team", "nobody", "There is no team"),
])
def test_base_field_limits(editor, draft, field, value, message):
    assert_refused(add(editor, "terms", **{field: value}), draft, message)


def test_limits_at_their_edge_are_accepted(editor, draft):
    response = add(editor, "terms", key="k" * 64, name="n" * NAME_MAX, definition="d" * DEFINITION_MAX,
                   synonyms="\n".join(["s" * TEXT_MAX] * LIST_MAX_ITEMS))
    assert response.status_code == 302
    assert len(entry_by_key(draft, "k" * 64).fields["synonyms"]) == LIST_MAX_ITEMS


@pytest.mark.parametrize("superseded_by, deprecated, message", [
    ("new-entry", "y", "An entry cannot supersede itself."),
    ("no-such-key", "y", "There is no entry &#39;no-such-key&#39;"),
    (target_key("terms"), None, "Tick “Deprecated” to name a successor."),
])
def test_successors_must_exist_and_be_another_entry(editor, draft, superseded_by, deprecated, message):
    response = add(editor, "terms", superseded_by=superseded_by, deprecated=deprecated)
    assert_refused(response, draft, message)


def test_a_deprecated_entry_names_its_successor(editor, draft):
    assert add(editor, "terms", deprecated="y", superseded_by=target_key("terms")).status_code == 302
    entry = entry_by_key(draft, "new-entry")
    assert entry.deprecated and entry.superseded_by == target_key("terms")


TEXT_FIELDS = [("terms", "name")] + [(s, f.name) for s, f in FIELDS if f.kind in ("text", "longtext", "list")]
PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</textarea><svg onload=alert(1)>",
            "<a href='javascript:alert(1)'>x</a>", "<iframe src=//evil.example>", "<!-- hidden -->"]


@pytest.mark.parametrize("section_key, name", TEXT_FIELDS)
def test_html_in_plain_text_fields_is_refused(editor, draft, section_key, name):
    for payload in PAYLOADS:
        response = add(editor, section_key, **{name: payload})
        assert_refused(response, draft, "HTML is not allowed here: write plain text.")
        assert "<script>alert(1)" not in html_of(response) and "<svg onload" not in html_of(response)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_in_criteria_is_refused(editor, draft, payload):
    response = add(editor, "icp", criteria=f"industry equals {payload}")
    assert_refused(response, draft, "Line 1: HTML is not allowed here")


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>", "Text <img src=x onerror=alert(1)>", "<iframe src=//evil.example></iframe>",
    "<style>body{display:none}</style>", "<svg><script>alert(1)</script></svg>", "<p onclick=alert(1)>x</p>",
    "[click](javascript:alert(1))", "[click]( JAVASCRIPT:alert(1) )", "<a href=\"javascript:alert(1)\">x</a>",
    "[x][1]\n\n[1]: javascript:alert(1)", "<javascript:alert(1)>", "[data](data:text/html;base64,PHNjcmlwdD4=)",
])
def test_active_content_in_a_definition_is_refused(editor, draft, payload):
    response = add(editor, "terms", definition=payload)
    assert_refused(response, draft, "")
    page = html_of(response)
    assert "not allowed" in page or "Links must use http, https or mailto." in page


def test_a_definition_may_use_markdown_and_plain_comparison_signs(editor, draft):
    text = "Leads with a score < 50 or >= 80 are *reviewed*; see [the wiki](https://example.com)."
    assert add(editor, "terms", definition=text).status_code == 302
    assert entry_by_key(draft, "new-entry").definition == text


@pytest.mark.parametrize("criteria, message", [
    ("employees between 1 and 5", "&#39;between&#39; is not an operator"),
    ("employees", "write `attribute operator value`"),
    ("employees gte", "&#39;gte&#39; needs a value after it"),
    ("9lives equals yes", "is not an attribute name"),
    ("employees gte " + "9" * (TEXT_MAX + 1), f"longer than {TEXT_MAX} characters"),
    ("\n".join(["employees gte 1"] * (LIST_MAX_ITEMS + 1)), f"At most {LIST_MAX_ITEMS} criteria."),
    ("", "needs at least one line"),
])
def test_criteria_lines_are_checked_strictly(editor, draft, criteria, message):
    assert_refused(add(editor, "icp", criteria=criteria), draft, message)


@pytest.mark.parametrize("items, message", [
    ("\n".join(["x"] * (LIST_MAX_ITEMS + 1)), f"At most {LIST_MAX_ITEMS} lines."),
    ("ok\n" + "y" * (TEXT_MAX + 1), f"Line 2 is longer than {TEXT_MAX} characters."),
])
def test_list_fields_have_limits(editor, draft, items, message):
    assert_refused(add(editor, "personas", goals=items), draft, message)


def test_lists_drop_blank_lines_and_surrounding_spaces(editor, draft):
    assert add(editor, "terms", synonyms="  one \r\n\r\n two\r\n").status_code == 302
    assert entry_by_key(draft, "new-entry").fields["synonyms"] == ["one", "two"]


def test_crafted_values_of_the_wrong_shape_are_refused_or_normalised(editor, draft):
    response = editor.post("/draft/connect_attempts", data={
        **valid_post("connect_attempts"), "day": ["3", "999"], "channel": ["carrier pigeon"],
        "counts_as_connect": "maybe"})
    assert_refused(response, draft, "Choose one of: call, email, social, SMS, meeting.")
    response = editor.post("/draft/connect_attempts", data={**valid_post("connect_attempts"), "day": ["3", "999"]})
    assert response.status_code == 302
    assert entry_by_key(draft, "new-entry").fields["day"] == 3


def test_control_characters_are_refused(editor, draft):
    assert_refused(add(editor, "terms", name="bell\x07"), draft, "Control characters are not allowed.")


def test_every_registry_field_has_a_form_field_with_its_label_and_help(app):
    for section in SECTION_LIST:
        form_class = entry_form_class(section.key)
        for f in section.fields:
            unbound = getattr(form_class, f.name)
            assert unbound.kwargs["label"] == f.label and unbound.kwargs["description"].startswith(f.help)


def test_unknown_sections_are_not_found(editor, draft):
    assert editor.get("/draft/no_such_section").status_code == 404
    assert editor.post("/draft/no_such_section", data=valid_post("terms")).status_code == 404
    assert audit_actions() == []
