"""The demo SLA data: complete, valid against the section registry and the published JSON Schema,
and a minor next draft."""
import copy
import hashlib
import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from app.demo.content import DRAFT_CHANGES, PUBLISHED, DemoDataError, read_draft_changes, read_published
from app.demo.loader import DemoContentError, entry_from_item
from app.sla.document import canonical_bytes, sections_dict
from app.editing.fields import is_time_zone
from app.sla.schema import document_schema, field_schema
from app.sla.sections import (
    DEFINITION_MAX, KEY_PATTERN, LIST_MAX_ITEMS, LONGTEXT_MAX, NAME_MAX, PROSE_BASE_FIELDS,
    SECTION_KEYS, SECTIONS, TEXT_MAX, Field, Section,
)

TEAMS = ("marketing", "sales")
REQUIRED_BASE = ("key", "name", "team", "definition")
OPTIONAL_BASE = ("deprecated", "superseded_by")

ALL_ENTRIES = [(section, entry) for section, entries in PUBLISHED.items() for entry in entries]
ADDED = [(change["section"], change["entry"]) for change in DRAFT_CHANGES if change["op"] == "add"]
UPDATES = [change for change in DRAFT_CHANGES if change["op"] == "update"]
PUBLISHED_KEYS = {section: {e["key"] for e in entries} for section, entries in PUBLISHED.items()}

# SHA-256 of the demo 1.0.0's canonical sections: what its approvers sign, and all of its published
# bytes but the dates. A deliberate change to the demo data changes it; update it then.
DEMO_CONTENT_SHA256 = "cfe1f27e897a8c40841400a11dcfbe402f917991b8de3e8f0cfb169ed1a58057"


def by_key(section: str) -> dict[str, dict]:
    return {e["key"]: e for e in PUBLISHED[section]}


def entry_id(item) -> str:
    section, entry = item
    return f"{section}/{entry.get('key')}"


def value_problems(f: Field, value) -> list[str]:
    """Why a value does not fit its field (kind, choices, limits); empty when it does."""
    if value is None:
        return [] if not f.required and f.kind not in ("list", "refs", "criteria", "bool", "choices", "dates") \
            else ["missing"]
    if f.kind in ("text", "longtext"):
        limit = TEXT_MAX if f.kind == "text" else LONGTEXT_MAX
        if not isinstance(value, str) or not value.strip():
            return ["not a non-empty string"]
        if len(value) > limit:
            return [f"longer than {limit}"]
        if f.kind == "text" and "\n" in value:
            return ["text spans several lines"]
        return []
    if f.kind in ("int", "number"):
        types = (int,) if f.kind == "int" else (int, float)
        if isinstance(value, bool) or not isinstance(value, types):
            return [f"not a {f.kind}"]
        if f.minimum is not None and value < f.minimum or f.maximum is not None and value > f.maximum:
            return ["out of range"]
        return []
    if f.kind == "bool":
        return [] if isinstance(value, bool) else ["not a bool"]
    if f.kind in ("choices", "dates", "time", "timezone", "email"):
        checker = Draft202012Validator(field_schema(f), format_checker=FormatChecker())
        problems = [error.message for error in checker.iter_errors(value)]
        return problems or (["not an IANA time zone"] if f.kind == "timezone" and not is_time_zone(value) else [])
    if f.kind == "choice":
        return [] if value in f.choices else [f"{value!r} is not one of {f.choices}"]
    if f.kind == "team":
        return [] if value in TEAMS else [f"unknown team {value!r}"]
    if f.kind == "ref":
        return [] if isinstance(value, str) and re.match(KEY_PATTERN, value) else ["not a key"]
    if f.kind in ("list", "refs"):
        if not isinstance(value, list) or len(value) > LIST_MAX_ITEMS:
            return ["not a list of at most LIST_MAX_ITEMS"]
        bad = [v for v in value if not isinstance(v, str) or not v.strip() or len(v) > TEXT_MAX]
        if f.kind == "refs":
            bad += [v for v in value if isinstance(v, str) and not re.match(KEY_PATTERN, v)]
            if len(set(value)) != len(value):
                bad.append("duplicates")
        return [f"bad items {bad}"] if bad else []
    if f.kind == "criteria":
        if not isinstance(value, list) or not value:
            return ["not a non-empty list"]
        problems = []
        for item in value:
            if not isinstance(item, dict) or set(item) != {"attribute", "operator", "value"}:
                problems.append(f"bad criterion {item!r}")
            elif item["operator"] not in f.choices:
                problems.append(f"unknown operator {item['operator']!r}")
            elif not (isinstance(item["attribute"], str) and item["attribute"].strip()
                      and isinstance(item["value"], str) and item["value"].strip()):
                problems.append(f"empty attribute or value in {item!r}")
        return problems
    return [f"unknown kind {f.kind}"]


def entry_problems(section: Section, entry: dict) -> list[str]:
    """Everything wrong with one entry of a section, apart from where its references point."""
    problems = []
    expected = set(REQUIRED_BASE) | set(section.field_names) | ({"position"} if section.ordered else set())
    missing = expected - set(entry)
    extra = set(entry) - expected - set(OPTIONAL_BASE)
    if missing or extra:
        problems.append(f"missing {sorted(missing)}, unexpected {sorted(extra)}")
    if not re.match(KEY_PATTERN, str(entry.get("key"))):
        problems.append("key is not a slug")
    name, definition = entry.get("name"), entry.get("definition")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX or "\n" in name:
        problems.append("bad name")
    if not isinstance(definition, str) or not 80 <= len(definition) <= DEFINITION_MAX:
        problems.append("definition too short or too long")
    if entry.get("team") not in TEAMS:
        problems.append("bad team")
    if section.ordered and (isinstance(entry.get("position"), bool) or not isinstance(entry.get("position"), int)):
        problems.append("position is not an int")
    for f in section.fields:
        if f.name in entry:
            problems += [f"{f.name}: {p}" for p in value_problems(f, entry[f.name])]
    return problems


def reference_problems(section: Section, entry: dict, keys: dict[str, set[str]]) -> list[str]:
    """References (ref, refs, superseded_by) that do not point at an entry of the right section."""
    every_key = set().union(*keys.values())
    problems = []
    for f in section.fields:
        if f.kind not in ("ref", "refs") or entry.get(f.name) is None:
            continue
        targets = keys[f.ref_section] if f.ref_section else every_key
        values = entry[f.name] if f.kind == "refs" else [entry[f.name]]
        problems += [f"{f.name} -> {v}" for v in values if v not in targets or v == entry["key"]]
    if entry.get("superseded_by") is not None and entry["superseded_by"] not in keys[section.key]:
        problems.append(f"superseded_by -> {entry['superseded_by']}")
    return problems


def test_every_section_is_present_and_no_other():
    assert set(PUBLISHED) == set(SECTION_KEYS)
    assert all(isinstance(entries, list) and entries for entries in PUBLISHED.values())


@pytest.mark.parametrize("item", ALL_ENTRIES, ids=entry_id)
def test_entry_has_exactly_its_fields_with_valid_values(item):
    section, entry = item
    assert entry_problems(SECTIONS[section], entry) == []


@pytest.mark.parametrize("item", ALL_ENTRIES, ids=entry_id)
def test_references_point_at_existing_entries_of_the_right_section(item):
    section, entry = item
    assert reference_problems(SECTIONS[section], entry, PUBLISHED_KEYS) == []


def test_keys_are_unique_across_all_sections():
    keys = [entry["key"] for _, entry in ALL_ENTRIES]
    assert len(keys) == len(set(keys))


def test_names_are_unique_so_glossary_mentions_are_unambiguous():
    names = [entry["name"].casefold() for _, entry in ALL_ENTRIES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("section", [s.key for s in SECTIONS.values() if s.ordered])
def test_ordered_sections_are_numbered_from_one(section):
    assert [e["position"] for e in PUBLISHED[section]] == list(range(1, len(PUBLISHED[section]) + 1))


def test_unordered_sections_carry_no_position():
    assert all("position" not in e for s, e in ALL_ENTRIES if not SECTIONS[s].ordered)


def test_definitions_are_prose_not_placeholders():
    for _, entry in ALL_ENTRIES:
        text = entry["definition"]
        assert "lorem" not in text.casefold() and "todo" not in text.casefold(), entry["key"]
        assert text == text.strip() and "\n\n\n" not in text, entry["key"]
    with_lists = [e["key"] for _, e in ALL_ENTRIES if re.search(r"^- ", e["definition"], re.MULTILINE)]
    assert len(with_lists) >= 3


def test_definitions_mention_other_terms_by_name():
    sql = by_key("lifecycle_stages")["sql"]["definition"]
    assert "Marketing Qualified Lead" in sql and "lead score" in sql
    words = {e["key"]: [e["name"], *e.get("synonyms", [])] for _, e in ALL_ENTRIES}

    def mentions_another(entry):
        return any(re.search(rf"\b{re.escape(word)}\b", entry["definition"], re.IGNORECASE)
                   for key, names in words.items() if key != entry["key"] for word in names)

    mentioning = [e["key"] for _, e in ALL_ENTRIES if mentions_another(e)]
    assert len(mentioning) >= 0.9 * len(ALL_ENTRIES)


def test_commitments_cover_mql_volume_follow_up_time_and_connect_attempts():
    commitments = by_key("commitments")
    mql, follow_up, attempts = (commitments[k] for k in
                                ("mql-volume", "sql-follow-up", "connect-attempts-per-lead"))
    assert (mql["from_team"], mql["to_team"], mql["period"]) == ("marketing", "sales", "month")
    assert mql["target"] > 0
    assert (follow_up["from_team"], follow_up["to_team"]) == ("sales", "marketing")
    assert "hour" in follow_up["unit"] and follow_up["target"] > 0
    assert attempts["from_team"] == "sales" and attempts["target"] == len(PUBLISHED["connect_attempts"])
    assert all(c["from_team"] != c["to_team"] for c in PUBLISHED["commitments"])


def test_icps_have_varied_criteria():
    assert len(PUBLISHED["icp"]) >= 2
    for icp in PUBLISHED["icp"]:
        attributes = {c["attribute"] for c in icp["criteria"]}
        assert {"industry", "employees", "region"} <= attributes, icp["key"]
    every_attribute = {c["attribute"] for icp in PUBLISHED["icp"] for c in icp["criteria"]}
    assert {"annual_revenue_eur", "technology"} <= every_attribute


def test_personas_are_complete_and_work_in_an_icp():
    assert len(PUBLISHED["personas"]) >= 3
    for persona in PUBLISHED["personas"]:
        for name in ("job_titles", "goals", "pains", "objections", "channels"):
            assert persona[name], (persona["key"], name)
        assert persona["icp"] in PUBLISHED_KEYS["icp"]


def test_buyer_journey_has_the_three_stages():
    stages = PUBLISHED["buyer_journey"]
    assert [s["key"] for s in stages] == ["awareness", "consideration", "decision"]
    assert all(s["buyer_questions"] and s["content"] and s["exit_signal"] for s in stages)


def test_lifecycle_stages_and_thresholds():
    stages = PUBLISHED["lifecycle_stages"]
    assert [s["key"] for s in stages] == ["subscriber", "lead", "mql", "sql", "opportunity", "customer"]
    thresholds = {s["key"]: s["score_threshold"] for s in stages}
    assert thresholds == {"subscriber": None, "lead": None, "mql": 50, "sql": 80,
                          "opportunity": None, "customer": None}
    assert all(s["owner_team"] in TEAMS and s["entry_criteria"] and s["exit_criteria"] for s in stages)
    assert by_key("lifecycle_stages")["mql"]["owner_team"] == "marketing"
    assert by_key("lifecycle_stages")["sql"]["owner_team"] == "sales"


def test_the_sla_decides_when_an_opportunity_is_opened():
    definition = by_key("lifecycle_stages")["opportunity"]["definition"]
    assert "opportunity is opened when" in definition.casefold()
    assert "Discovery / meeting booked" in definition


def test_lead_types_cover_new_equipment_maintenance_and_parts():
    types = by_key("lead_types")
    assert {"new-prospect-equipment", "customer-maintenance-contract",
            "customer-spare-parts-upgrade"} <= set(types)
    assert all(t["routing"] and t["journey_notes"] for t in types.values())


def test_deal_stages_form_a_crm_pipeline():
    stages = PUBLISHED["deal_stages"]
    assert [s["key"] for s in stages] == [
        "discovery-meeting-booked", "developing-quote", "quote-presented",
        "closed-won", "closed-lost", "on-hold",
    ]
    won, lost = by_key("deal_stages")["closed-won"], by_key("deal_stages")["closed-lost"]
    assert (won["probability"], won["is_closed"], won["is_won"]) == (1.0, True, True)
    assert (lost["probability"], lost["is_closed"], lost["is_won"]) == (0, True, False)
    open_stages = [s for s in stages if not s["is_closed"]]
    assert all(not s["is_won"] and 0 < s["probability"] < 1 for s in open_stages)
    progress = [s["probability"] for s in stages[:3]]
    assert progress == sorted(progress)


def test_lead_statuses_include_returned_not_ready():
    statuses = by_key("lead_statuses")
    assert len(statuses) >= 5
    returned = statuses["returned-not-ready"]
    assert returned["name"] == "Returned – not ready"
    assert returned["returns_to"] == "marketing"
    assert "sql" in returned["lifecycle_stages"]
    assert all(s["lifecycle_stages"] for s in statuses.values())


def test_scoring_rules_mix_fit_and_engagement_with_penalties():
    rules = PUBLISHED["lead_scoring"]
    assert len(rules) >= 8
    assert {r["kind"] for r in rules} == {"fit", "engagement"}
    assert sum(r["points"] < 0 for r in rules) >= 2
    fields = {r["field"] for r in rules}
    assert {"job_title", "employees", "industry", "country"} <= fields
    assert {"pricing_page_visit", "demo_request", "webinar_attended", "email_unsubscribe"} <= fields
    assert all(r["value"] for r in rules if r["operator"] != "exists")


def test_the_best_possible_fit_alone_is_not_an_mql():
    fit_points = sum(r["points"] for r in PUBLISHED["lead_scoring"] if r["kind"] == "fit" and r["points"] > 0)
    assert fit_points < by_key("lifecycle_stages")["mql"]["score_threshold"]


def test_connect_sequence_is_six_attempts_over_fourteen_days():
    attempts = PUBLISHED["connect_attempts"]
    days = [a["day"] for a in attempts]
    assert len(attempts) == 6 and days == sorted(days) and days[0] == 0 and days[-1] == 14
    assert {"call", "email", "social"} <= {a["channel"] for a in attempts}
    assert all(a["counts_as_connect"] == (a["channel"] in ("call", "meeting")) for a in attempts)


def test_terms_have_synonyms_and_related_entries():
    terms = PUBLISHED["terms"]
    assert len(terms) >= 10
    assert all(t["synonyms"] and t["related"] for t in terms)
    related_sections = {s for t in terms for r in t["related"] for s, keys in PUBLISHED_KEYS.items() if r in keys}
    assert len(related_sections) >= 4


# The open draft of the next version


def test_draft_has_a_few_additions_and_prose_updates_only():
    assert {c["op"] for c in DRAFT_CHANGES} == {"add", "update"}
    assert 2 <= len(ADDED) <= 3 and 2 <= len(UPDATES) <= 3
    assert all(set(c) == {"op", "section", "entry"} for c in DRAFT_CHANGES if c["op"] == "add")
    assert all(set(c) == {"op", "key", "changes"} for c in UPDATES)


@pytest.mark.parametrize("item", ADDED, ids=entry_id)
def test_added_entries_are_valid_and_new(item):
    section, entry = item
    assert section in SECTION_KEYS
    assert entry_problems(SECTIONS[section], entry) == []
    assert not entry.get("deprecated") and entry.get("superseded_by") is None
    keys = {s: set(k) for s, k in PUBLISHED_KEYS.items()}
    for added_section, added in ADDED:
        keys[added_section].add(added["key"])
    assert reference_problems(SECTIONS[section], entry, keys) == []
    assert entry["key"] not in set().union(*PUBLISHED_KEYS.values())


def test_added_keys_are_unique():
    keys = [entry["key"] for _, entry in ADDED]
    assert len(keys) == len(set(keys))


def test_added_entries_in_ordered_sections_come_last():
    for section, entry in ADDED:
        if SECTIONS[section].ordered:
            assert entry["position"] > max(e["position"] for e in PUBLISHED[section])


@pytest.mark.parametrize("change", UPDATES, ids=lambda c: c["key"])
def test_updates_change_prose_only(change):
    section_key = next(s for s, keys in PUBLISHED_KEYS.items() if change["key"] in keys)
    section, current = SECTIONS[section_key], by_key(section_key)[change["key"]]
    assert change["changes"]
    for name, value in change["changes"].items():
        assert name in PROSE_BASE_FIELDS or (name in section.field_names and section.field(name).is_prose)
        assert value != current[name]
    assert entry_problems(section, {**current, **change["changes"]}) == []


def test_publishing_the_draft_makes_a_minor_version():
    """Additions make it minor; nothing removed, re-keyed or structurally changed keeps it below major."""
    structured = []
    for change in UPDATES:
        section_key = next(s for s, keys in PUBLISHED_KEYS.items() if change["key"] in keys)
        section = SECTIONS[section_key]
        structured += [n for n in change["changes"]
                       if n not in PROSE_BASE_FIELDS and not section.field(n).is_prose]
    assert structured == []
    assert ADDED


# The data as the document it publishes


def published_sections(published: dict[str, list[dict]]) -> dict:
    """The `sections` of the document that loading `published` publishes, built as the loader builds entries."""
    entries = [entry_from_item(section, item, position)
               for section, items in published.items() for position, item in enumerate(items, start=1)]
    return sections_dict(entries)


def with_draft_changes(published: dict[str, list[dict]], changes: list[dict]) -> dict[str, list[dict]]:
    """The content of the next version: the published data with the draft's additions and updates."""
    content = copy.deepcopy(published)
    for change in changes:
        if change["op"] == "add":
            content[change["section"]].append(change["entry"])
        else:
            entry = next(e for entries in content.values() for e in entries if e["key"] == change["key"])
            entry.update(change["changes"])
    return content


def schema_errors(number: str, sections: dict) -> list[str]:
    """Why a document with these sections fails the published JSON Schema (dates and approvals as publishing sets them)."""
    document = {"schema_version": 2, "version": number, "published_at": "2026-12-01T12:00:00Z",
                "effective_from": "2026-12-01",
                "title": "Sales & Marketing SLA", "sections": sections,
                "approvals": [{"team": team, "by": f"{team.title()} Approver", "at": "2026-12-01T12:00:00Z"}
                              for team in TEAMS]}
    validator = Draft202012Validator(document_schema(), format_checker=FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_the_demo_as_published_validates_against_the_schema():
    assert schema_errors("1.0.0", published_sections(PUBLISHED)) == []


def test_the_next_draft_as_published_validates_against_the_schema():
    assert schema_errors("1.1.0", published_sections(with_draft_changes(PUBLISHED, DRAFT_CHANGES))) == []


def test_the_schema_check_catches_a_bad_entry():
    broken = copy.deepcopy(PUBLISHED)
    broken["deal_stages"][0]["probability"] = "high"
    assert any("probability" in error for error in schema_errors("1.0.0", published_sections(broken)))


def test_the_demo_content_is_the_one_approvers_sign():
    assert hashlib.sha256(canonical_bytes(published_sections(PUBLISHED))).hexdigest() == DEMO_CONTENT_SHA256


# Reading the data files


def test_a_new_section_file_is_read_after_the_registry_sections(tmp_path):
    (tmp_path / "terms.json").write_text('[{"key": "a"}]', encoding="utf-8")
    (tmp_path / "commitments.json").write_text('[{"key": "b"}]', encoding="utf-8")
    (tmp_path / "adherence.json").write_text('[{"key": "c"}]', encoding="utf-8")
    assert list(read_published(tmp_path)) == ["commitments", "terms", "adherence"]


def test_a_section_the_registry_does_not_know_is_refused_by_name():
    with pytest.raises(DemoContentError, match="'adherence'"):
        entry_from_item("adherence", {"key": "c", "name": "C", "team": "sales"}, 1)


@pytest.mark.parametrize("text, problem", [
    ('[{"key": "a"},]', "Expecting value"),
    ('{"key": "a"}', "expected a JSON list of objects"),
    ('["a"]', "expected a JSON list of objects"),
])
def test_a_malformed_data_file_is_refused_with_its_name(tmp_path, text, problem):
    path = tmp_path / "draft.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DemoDataError, match=rf"^draft\.json: .*{problem}"):
        read_draft_changes(path)
