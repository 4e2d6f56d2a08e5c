"""The document diff and its version-number rules, one by one; word-level highlighting."""
import copy

import pytest
from markupsafe import Markup

from app.sla.diff import change_reasons, compare_documents, value_diff_html, word_diff_html
from app.sla.document import entry_to_dict
from app.sla.sections import SECTION_KEYS
from tests.factories import make_entry


def entry(section, key, **kwargs):
    return entry_to_dict(make_entry(section, key, **kwargs))


def document(version, *entries_by_section):
    sections = {key: [] for key in SECTION_KEYS}
    for section, item in entries_by_section:
        sections[section].append(item)
    return {"version": version, "title": "SLA", "approvals": [], "sections": sections}


@pytest.fixture
def base():
    return document(
        "1.0.0",
        ("lifecycle_stages", entry("lifecycle_stages", "mql", name="Marketing Qualified Lead", position=3,
                                   owner_team="marketing", entry_criteria="Score of 50", score_threshold=50)),
        ("lifecycle_stages", entry("lifecycle_stages", "sql", name="Sales Qualified Lead", position=4,
                                   owner_team="sales", entry_criteria="Sales accepts")),
        ("deal_stages", entry("deal_stages", "discovery", position=1, probability=0.1)),
        ("lead_scoring", entry("lead_scoring", "visited-pricing", kind="engagement", field="page_view",
                               operator="equals", value="/pricing", points=10)),
        ("connect_attempts", entry("connect_attempts", "day-1-call", day=1, channel="call", counts_as_connect=True)),
        ("icp", entry("icp", "mid-market", criteria=[{"attribute": "employees", "operator": "gte", "value": "200"}])),
        ("personas", entry("personas", "ops-olivia", job_titles=["Head of Ops"], icp="mid-market")),
        ("terms", entry("terms", "handover", synonyms=["hand-off"], related=["mql"])),
        ("commitments", entry("commitments", "mql-volume", from_team="marketing", to_team="sales",
                              metric="MQLs delivered", target=120, unit="leads", period="month")),
    )


def changed(base, section, key, **values):
    new = copy.deepcopy(base)
    new["version"] = None
    for item in new["sections"][section]:
        if item["key"] == key:
            item.update(values)
    return new


def test_identical_documents_have_no_change(base):
    diff = compare_documents(base, copy.deepcopy(base))
    assert diff["change"] is None
    assert diff["breaking"] == []
    assert diff["summary"] == {"added": 0, "removed": 0, "changed": 0}
    assert set(diff["sections"]) == set(SECTION_KEYS)
    assert all(s == {"added": [], "removed": [], "changed": []} for s in diff["sections"].values())


def test_from_and_to_name_the_versions(base):
    new = copy.deepcopy(base)
    new["version"] = "1.1.0"
    diff = compare_documents(base, new)
    assert (diff["from"], diff["to"]) == ("1.0.0", "1.1.0")


def test_adding_an_entry_is_minor(base):
    new = copy.deepcopy(base)
    new["sections"]["terms"].append(entry("terms", "churn"))
    diff = compare_documents(base, new)
    assert diff["change"] == "minor"
    assert [e["key"] for e in diff["sections"]["terms"]["added"]] == ["churn"]
    assert diff["summary"]["added"] == 1
    assert diff["breaking"] == []


def test_removing_an_entry_is_major_and_breaking(base):
    new = copy.deepcopy(base)
    new["sections"]["lifecycle_stages"] = new["sections"]["lifecycle_stages"][1:]
    diff = compare_documents(base, new)
    assert diff["change"] == "major"
    assert [e["key"] for e in diff["sections"]["lifecycle_stages"]["removed"]] == ["mql"]
    assert len(diff["breaking"]) == 1 and "'mql'" in diff["breaking"][0] and "removed" in diff["breaking"][0]


def test_changing_a_key_is_major_and_named_as_such(base):
    new = copy.deepcopy(base)
    new["sections"]["lifecycle_stages"][0]["key"] = "marketing-qualified-lead"
    diff = compare_documents(base, new)
    assert diff["change"] == "major"
    assert diff["breaking"] == ["The key of the lifecycle stage 'Marketing Qualified Lead' changed "
                                "from 'mql' to 'marketing-qualified-lead'."]


def test_moving_an_entry_to_another_section_is_major(base):
    new = copy.deepcopy(base)
    moved = new["sections"]["terms"].pop()
    new["sections"]["lead_types"].append(moved)
    diff = compare_documents(base, new)
    assert diff["change"] == "major"
    assert "moved to Lead types" in diff["breaking"][0]


def test_a_field_changing_type_is_major(base):
    diff = compare_documents(base, changed(base, "lifecycle_stages", "mql", score_threshold="50"))
    assert diff["change"] == "major"
    assert diff["breaking"] == ["Lifecycle stage 'mql': the field 'score_threshold' changed type "
                                "from number to text (50 → 50)."]
    item = diff["sections"]["lifecycle_stages"]["changed"][0]
    assert item["fields"] == {"score_threshold": {"old": 50, "new": "50"}}


def test_a_field_disappearing_is_major(base):
    new = copy.deepcopy(base)
    del new["sections"]["deal_stages"][0]["probability"]
    diff = compare_documents(base, new)
    assert diff["change"] == "major"
    assert "the field 'probability' was removed" in diff["breaking"][0]


def test_an_int_becoming_a_float_of_equal_value_is_no_change(base):
    assert compare_documents(base, changed(base, "commitments", "mql-volume", target=120.0))["change"] is None


def test_a_bool_becoming_a_number_is_a_type_change(base):
    diff = compare_documents(base, changed(base, "connect_attempts", "day-1-call", counts_as_connect=1))
    assert diff["change"] == "major"


@pytest.mark.parametrize("section,key,values", [
    ("lifecycle_stages", "mql", {"score_threshold": 60}),               # threshold
    ("lifecycle_stages", "mql", {"score_threshold": None}),             # threshold dropped (optional)
    ("lifecycle_stages", "sql", {"score_threshold": 80}),               # threshold set
    ("deal_stages", "discovery", {"probability": 0.2}),                 # probability
    ("lifecycle_stages", "mql", {"position": 5}),                       # position
    ("lead_scoring", "visited-pricing", {"points": 15}),                # points
    ("lead_scoring", "visited-pricing", {"field": "page_visit"}),       # scoring field
    ("lead_scoring", "visited-pricing", {"value": "/pricing/"}),        # scoring value
    ("lead_scoring", "visited-pricing", {"kind": "fit"}),               # choice
    ("connect_attempts", "day-1-call", {"channel": "email"}),           # choice
    ("connect_attempts", "day-1-call", {"counts_as_connect": False}),   # boolean
    ("connect_attempts", "day-1-call", {"day": 2}),                     # int
    ("personas", "ops-olivia", {"icp": None}),                          # reference
    ("terms", "handover", {"related": ["mql", "sql"]}),                 # references
    ("lifecycle_stages", "mql", {"owner_team": "sales"}),               # team field
    ("lifecycle_stages", "mql", {"team": "sales"}),                     # owning team
    ("icp", "mid-market", {"criteria": [{"attribute": "employees", "operator": "gte", "value": "500"}]}),
    ("commitments", "mql-volume", {"target": 150}),                     # target
    ("commitments", "mql-volume", {"period": "quarter"}),               # choice
    ("terms", "handover", {"deprecated": True, "superseded_by": "mql"}),  # deprecation
    ("terms", "handover", {"superseded_by": "sql"}),                    # successor alone
])
def test_structured_changes_are_minor(base, section, key, values):
    diff = compare_documents(base, changed(base, section, key, **values))
    assert diff["change"] == "minor", values
    assert diff["breaking"] == []
    item = diff["sections"][section]["changed"][0]
    assert item["key"] == key and item["change"] == "minor"
    assert set(item["fields"]) == set(values)


@pytest.mark.parametrize("section,key,values", [
    ("lifecycle_stages", "mql", {"name": "Marketing-qualified lead"}),
    ("lifecycle_stages", "mql", {"definition": "A lead marketing has nurtured."}),
    ("lifecycle_stages", "mql", {"entry_criteria": "A score of 50 or more"}),   # longtext
    ("commitments", "mql-volume", {"metric": "MQLs handed over"}),             # text
    ("commitments", "mql-volume", {"unit": "contacts"}),                       # text
    ("personas", "ops-olivia", {"job_titles": ["Head of Operations"]}),        # list
    ("terms", "handover", {"synonyms": ["hand-off", "handoff"]}),              # list
])
def test_prose_changes_are_patch(base, section, key, values):
    diff = compare_documents(base, changed(base, section, key, **values))
    assert diff["change"] == "patch", values
    assert diff["sections"][section]["changed"][0]["change"] == "patch"


def test_the_weightiest_change_wins(base):
    new = changed(base, "lifecycle_stages", "mql", definition="New words.", score_threshold=70)
    assert compare_documents(base, new)["change"] == "minor"
    new["sections"]["terms"] = []
    assert compare_documents(base, new)["change"] == "major"


def test_changed_entries_carry_old_and_new_values_and_the_new_name(base):
    diff = compare_documents(base, changed(base, "lifecycle_stages", "mql", name="MQL", score_threshold=55))
    item = diff["sections"]["lifecycle_stages"]["changed"][0]
    assert item == {"key": "mql", "name": "MQL", "change": "minor",
                    "fields": {"name": {"old": "Marketing Qualified Lead", "new": "MQL"},
                               "score_threshold": {"old": 50, "new": 55}}}
    assert diff["summary"] == {"added": 0, "removed": 0, "changed": 1}


def test_a_registry_field_that_appears_empty_changes_nothing(base):
    new = changed(base, "terms", "handover", brand_new_field=None)
    assert compare_documents(base, new)["change"] is None


def test_change_reasons_explain_the_number(base):
    new = changed(base, "lifecycle_stages", "mql", definition="Reworded.", score_threshold=70)
    new["sections"]["terms"].append(entry("terms", "churn", name="Churn"))
    reasons = change_reasons(compare_documents(base, new))
    assert ("minor", "adds the term 'Churn'") in reasons
    assert ("minor", "changes the score threshold of the lifecycle stage 'Marketing Qualified Lead'") in reasons
    assert ("patch", "rewords the definition of the lifecycle stage 'Marketing Qualified Lead'") in reasons
    assert reasons[-1][0] == "patch"


def test_change_reasons_name_deprecations_and_breaking_changes(base):
    new = changed(base, "terms", "handover", deprecated=True, superseded_by="mql")
    new["sections"]["deal_stages"] = []
    reasons = change_reasons(compare_documents(base, new))
    assert reasons[0] == ("major", "The deal stage 'discovery' (Discovery) was removed.")
    assert ("minor", "deprecates the term 'Handover'") in reasons
    assert ("minor", "changes the successor of the term 'Handover'") in reasons


# --- word-level highlighting ------------------------------------------------------------------

def test_word_diff_marks_deleted_and_inserted_words():
    html = word_diff_html("A lead with a score of 50", "A lead with a score of 60 or more")
    assert isinstance(html, Markup)
    assert str(html) == "A lead with a score of <del>50</del><ins>60 or more</ins>"
    html = word_diff_html("Marketing nurtures the lead until it is ready.",
                          "Marketing nurtures every lead until sales accepts it.")
    assert str(html) == ("Marketing nurtures <del>the</del><ins>every</ins> lead until "
                         "<ins>sales accepts </ins>it<del> is ready</del>.")


def test_word_diff_keeps_a_changed_phrase_together():
    html = word_diff_html("a lead that clearly wants to talk", "a lead that is ready to talk")
    assert str(html) == "a lead that <del>clearly wants</del><ins>is ready</ins> to talk"


def test_word_diff_of_equal_text_has_no_marks():
    assert str(word_diff_html("Same words here.", "Same words here.")) == "Same words here."


def test_word_diff_escapes_html():
    html = str(word_diff_html("<b>bold</b> text", "<script>alert(1)</script> text"))
    assert "<script>" not in html and "<b>" not in html
    assert html.startswith("&lt;<del>b</del><ins>script</ins>&gt;")


def test_word_diff_handles_empty_sides():
    assert str(word_diff_html("", "new words")) == "<ins>new words</ins>"
    assert str(word_diff_html("old words", None)) == "<del>old words</del>"


def test_value_diff_of_lists_marks_items():
    html = str(value_diff_html(["call", "email"], ["call", "sms"]))
    assert "<del>email</del>" in html and "<ins>sms</ins>" in html and "call" in html


def test_value_diff_of_numbers_and_booleans():
    assert str(value_diff_html(0.1, 0.25)) == "<del>0.1</del> → <ins>0.25</ins>"
    assert str(value_diff_html(True, False)) == "<del>yes</del> → <ins>no</ins>"
    assert str(value_diff_html(None, 50)) == "<ins>50</ins>"


def test_value_diff_escapes_list_items():
    assert "&lt;i&gt;" in str(value_diff_html(["<i>x</i>"], []))


# --- Thai: no spaces between words, marks that belong to their letter ---------------------------

def test_word_diff_marks_the_one_thai_word_changed_in_an_unspaced_sentence():
    html = word_diff_html("ทีมการตลาดส่งลีดให้ฝ่ายขายภายในสองวัน", "ทีมการตลาดส่งลีดให้ฝ่ายขายภายในสามวัน")
    assert str(html) == "ทีมการตลาดส่งลีดให้ฝ่ายขายภายใน<del>สอง</del><ins>สาม</ins>วัน"


def test_word_diff_never_marks_a_fragment_of_a_thai_word():
    # \w+ would see ผู / ซื / อ (the vowel and tone marks are not \w) and mark only "ซื".
    assert str(word_diff_html("ผู้ซื้อ", "ผู้ขาย")) == "ผู้<del>ซื้อ</del><ins>ขาย</ins>"
    assert str(word_diff_html("ลูกค้าต้องได้รับการติดต่อภายใน 24 ชั่วโมง",
                              "ลูกค้าต้องได้รับการติดต่อภายใน 48 ชั่วโมง")) == \
        "ลูกค้าต้องได้รับการติดต่อภายใน <del>24</del><ins>48</ins> ชั่วโมง"


def test_word_diff_of_mixed_thai_and_english():
    html = word_diff_html("ส่ง MQL ให้ฝ่ายขาย", "ส่ง SQL ให้ฝ่ายขาย")
    assert str(html) == "ส่ง <del>MQL</del><ins>SQL</ins> ให้ฝ่ายขาย"
