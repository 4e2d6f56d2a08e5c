"""A commitment reads as one plain sentence: per measure, with its scope and owner, in English and in Thai."""
import pytest

from app.i18n import translated
from app.sla.commitments import commitment_sentence, english_plural

TEAMS = {"marketing": "Marketing", "sales": "Sales"}
DOCUMENT = {"sections": {
    "lifecycle_stages": [
        {"key": "mql", "name": "Marketing Qualified Lead",
         "translations": {"th": {"name": "ลีดที่การตลาดคัดกรองแล้ว"}}},
        {"key": "sql", "name": "Sales Qualified Lead", "translations": {"th": {"name": "ลีดที่ฝ่ายขายรับรอง"}}},
        {"key": "opportunity", "name": "Opportunity"},
    ],
    "calendars": [{"key": "bangkok-office", "name": "Bangkok office hours",
                   "translations": {"th": {"name": "เวลาทำการสำนักงานกรุงเทพฯ"}}}],
    "lead_types": [{"key": "equipment", "name": "New equipment"}, {"key": "parts", "name": "Spare parts"}],
}}

VOLUME = {"measure": "stage_volume", "comparator": "at_least", "stage": "mql", "target": 120, "period": "month",
          "from_team": "marketing", "to_team": "sales", "metric": "MQLs delivered", "unit": "MQLs"}
RESPONSE = {"measure": "response_time", "comparator": "at_least", "stage": "sql", "share": 0.95, "within": 4,
            "within_unit": "business_hours", "calendar": "bangkok-office", "target": 4, "period": "month",
            "from_team": "sales", "to_team": "marketing", "metric": "First attempt", "unit": "business hours"}
ATTEMPTS = {"measure": "attempts", "comparator": "at_least", "stage": "sql", "target": 6, "within": 14,
            "within_unit": "days", "period": "month", "from_team": "sales", "to_team": "marketing",
            "metric": "Attempts", "unit": "attempts"}
CONVERSION = {"measure": "conversion", "comparator": "at_least", "stage": "mql", "to_stage": "sql", "share": 0.25,
              "within": 30, "within_unit": "days", "target": 25, "period": "quarter", "from_team": "marketing",
              "to_team": "sales", "metric": "MQL to SQL", "unit": "%"}
PIPELINE = {"measure": "prose", "target": 1500000, "unit": "EUR", "period": "quarter", "from_team": "marketing",
            "to_team": "sales", "metric": "Weighted marketing-sourced pipeline"}


def english(entry, document=DOCUMENT):
    return str(commitment_sentence(entry, document, "en", TEAMS))


def thai(app, entry, **kwargs):
    with app.test_request_context("/", headers={"Accept-Language": "th"}):
        return translated(commitment_sentence(entry, DOCUMENT, "th", TEAMS, **kwargs))


@pytest.mark.parametrize("entry, sentence", [
    (VOLUME, "Marketing delivers at least 120 Marketing Qualified Leads each month."),
    (RESPONSE, "Sales makes a first connect attempt on at least 95 % of Sales Qualified Leads within 4 business "
               "hours (Bangkok office hours), reported monthly."),
    (ATTEMPTS, "Sales makes at least 6 connect attempts over 14 days on every Sales Qualified Lead before returning "
               "it, reported monthly."),
    (CONVERSION, "Marketing ensures that at least 25 % of Marketing Qualified Leads become Sales Qualified Leads "
                 "within 30 days, reported quarterly."),
    (PIPELINE, "Marketing → Sales: Weighted marketing-sourced pipeline, target 1,500,000 EUR per quarter."),
    ({**RESPONSE, "share": None}, "Sales makes a first connect attempt on every Sales Qualified Lead within 4 "
                                  "business hours (Bangkok office hours), reported monthly."),
    ({**RESPONSE, "within": 1, "within_unit": "hours", "calendar": None, "comparator": "at_most", "share": 0.1},
     "Sales makes a first connect attempt on at most 10 % of Sales Qualified Leads within 1 hour, reported monthly."),
    ({**ATTEMPTS, "within": None, "within_unit": None}, "Sales makes at least 6 connect attempts on every Sales "
                                                        "Qualified Lead before returning it, reported monthly."),
    ({**CONVERSION, "within": None, "within_unit": None, "to_stage": "opportunity", "share": 0.125},
     "Marketing ensures that at least 12.5 % of Marketing Qualified Leads become Opportunities, reported quarterly."),
])
def test_each_measure_reads_as_one_sentence(entry, sentence):
    assert english(entry) == sentence


@pytest.mark.parametrize("entry", [
    {**RESPONSE, "calendar": None},  # business hours without their calendar
    {**CONVERSION, "to_stage": None},
    {**VOLUME, "stage": None},
    {**VOLUME, "measure": None},
])
def test_a_commitment_its_measure_cannot_measure_reads_as_metric_and_target(entry):
    assert english(entry).startswith(f"{TEAMS[entry['from_team']]} → {TEAMS[entry['to_team']]}: {entry['metric']}, "
                                     "target ")


def test_scope_and_owner_frame_the_sentence():
    sentence = english({**VOLUME, "lead_types": ["equipment", "parts"], "owner": "mara@example.com"})
    assert sentence == ("For New equipment and Spare parts: Marketing delivers at least 120 Marketing Qualified Leads "
                        "each month. Owner: mara@example.com.")
    named = commitment_sentence({**VOLUME, "owner": "mara@example.com"}, DOCUMENT, "en", TEAMS,
                                people={"mara@example.com": "Mara Marketing"})
    assert str(named).endswith("Owner: Mara Marketing (mara@example.com).")


def test_names_come_from_the_document_and_teams_from_their_display_names():
    assert english({**VOLUME, "stage": "gone"}).startswith("Marketing delivers at least 120 gone each month")
    assert str(commitment_sentence(VOLUME, DOCUMENT)).startswith("marketing delivers")  # no team table: the slug
    assert english({**VOLUME, "target": 1200}) == ("Marketing delivers at least 1,200 Marketing Qualified Leads each "
                                                   "month.")


@pytest.mark.parametrize("entry, parts", [
    (VOLUME, ["ฝ่ายการตลาด ส่งมอบ ลีดที่การตลาดคัดกรองแล้ว อย่างน้อย 120 ราย ทุกเดือน"]),
    (RESPONSE, ["อย่างน้อย 95%", "ลีดที่ฝ่ายขายรับรอง", "4 ชั่วโมงทำการ (เวลาทำการสำนักงานกรุงเทพฯ)",
                "รายงานผลรายเดือน"]),
    (ATTEMPTS, ["ลีดที่ฝ่ายขายรับรอง ทุกราย อย่างน้อย 6 ครั้งภายใน 14 วัน", "รายงานผลรายเดือน"]),
    (CONVERSION, ["อย่างน้อย 25% ของ ลีดที่การตลาดคัดกรองแล้ว กลายเป็น ลีดที่ฝ่ายขายรับรอง ภายใน 30 วัน",
                  "รายงานผลรายไตรมาส"]),
    (PIPELINE, ["1,500,000 EUR"]),
])
def test_each_measure_reads_in_thai_in_thai_word_order(app, entry, parts):
    sentence = thai(app, entry)
    for part in parts:
        assert part in sentence
    for word in ("at least", "within", "reported", "business", "delivers", "Qualified", "every", "Sales", "Marketing"):
        assert word not in sentence


def test_scope_and_owner_read_in_thai(app):
    sentence = thai(app, {**ATTEMPTS, "lead_types": ["equipment", "parts"], "owner": "sol@example.com"})
    assert sentence.startswith("สำหรับ New equipment และ Spare parts: ")
    assert sentence.endswith("ผู้รับผิดชอบ: sol@example.com")


@pytest.mark.parametrize("name, plural", [
    ("Sales Qualified Lead", "Sales Qualified Leads"), ("Opportunity", "Opportunities"), ("Day", "Days"),
    ("Business", "Businesses"), ("Match", "Matches"), ("SQL", "SQLs"), ("Lead 2", "Lead 2"),
])
def test_english_names_are_made_plural(name, plural):
    assert english_plural(name) == plural


# --- on the pages -------------------------------------------------------------------------------

@pytest.fixture
def published_commitment(app):
    from tests.factories import make_entry, make_published
    make_published([
        make_entry("lifecycle_stages", "sql", "Sales Qualified Lead", position=1, owner_team="sales",
                   entry_criteria="Asked to talk to sales.", score_threshold=80),
        make_entry("calendars", "office", "Bangkok office hours", timezone="Asia/Bangkok",
                   workdays=["mon", "tue", "wed", "thu", "fri"], start="09:00", end="18:00"),
        make_entry("commitments", "follow-up", "SQL follow-up time", team="sales",
                   **{**RESPONSE, "calendar": "office"}),
    ])


def test_a_commitment_reads_as_its_sentence_above_its_fields_on_a_version_page(app, login_as, published_commitment):
    if "commitment_sentence" not in app.jinja_env.globals:
        pytest.skip("the pages read commitments as sentences once app/templating.py registers commitment_sentence")
    client = login_as("reader")
    page = client.get("/versions/1.0.0").get_data(as_text=True)
    assert ("Sales makes a first connect attempt on at least 95 % of Sales Qualified Leads within 4 business hours "
            "(Bangkok office hours), reported monthly.") in page
    assert "<dt>Share of leads</dt>" in page and "<dt>Metric</dt>" in page  # the structured fields stay in view
    thai = client.get("/versions/1.0.0", headers={"Accept-Language": "th"}).get_data(as_text=True)
    assert "อย่างน้อย 95% ของ Sales Qualified Lead ภายใน 4 ชั่วโมงทำการ (Bangkok office hours) รายงานผลรายเดือน" in thai
