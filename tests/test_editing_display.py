"""The shared display macros of templates/_entry.html: each section reads as people speak of it."""
import html
import re

import pytest

from app.sla.document import entry_to_dict
from app.sla.sections import SECTION_LIST, SECTIONS, Field, Section
from tests.factories import make_entry


def render(app, entry: dict, section: Section, term_url=None) -> str:
    """The macro's output as text with tags removed and whitespace collapsed (as a reader sees it)."""
    markup = render_html(app, entry, section, term_url)
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return re.sub(r"\s+", " ", text).replace(" :", ":").replace(" ,", ",").strip()


def render_html(app, entry: dict, section: Section, term_url=None) -> str:
    template = app.jinja_env.from_string(
        '{% from "_entry.html" import entry_fields, entry_badges %}'
        "{{ entry_badges(entry, term_url) }}{{ entry_fields(entry, section, term_url) }}")
    return template.render(entry=entry, section=section, term_url=term_url)


def as_dict(section_key, key="k", **fields):
    return entry_to_dict(make_entry(section_key, key, **fields))


def test_a_scoring_rule_reads_as_a_sentence(app):
    entry = as_dict("lead_scoring", kind="fit", field="job_title", operator="contains",
                    value="maintenance manager", points=15)
    assert "Job title contains 'maintenance manager': +15 (fit)" in render(app, entry, SECTIONS["lead_scoring"])


@pytest.mark.parametrize("operator, value, expected", [
    ("gte", "200", "Employees is at least 200: +10 (fit)"),
    ("in", "food,dairy, bakery", "Employees is one of 'food, dairy, bakery': +10 (fit)"),
    ("not_equals", "0", "Employees is not '0': +10 (fit)"),
])
def test_rule_values_read_naturally(app, operator, value, expected):
    entry = as_dict("lead_scoring", kind="fit", field="employees", operator=operator, value=value, points=10)
    assert expected in render(app, entry, SECTIONS["lead_scoring"])


def test_a_negative_rule_and_an_exists_rule(app):
    negative = as_dict("lead_scoring", kind="engagement", field="unsubscribed", operator="exists", points=-20)
    assert "Unsubscribed is known: −20 (engagement)" in render(app, negative, SECTIONS["lead_scoring"])


def test_a_lifecycle_stage_shows_its_criteria_and_threshold(app):
    entry = as_dict("lifecycle_stages", owner_team="marketing", entry_criteria="Score of 50 or more",
                    exit_criteria="Sales accepts it", score_threshold=50)
    text = render(app, entry, SECTIONS["lifecycle_stages"])
    assert "Entry criteria Score of 50 or more" in text and "Exit criteria Sales accepts it" in text
    assert "Score threshold 50 points" in text and "Owner team marketing" in text
    without = render(app, as_dict("lifecycle_stages", entry_criteria="Anyone"), SECTIONS["lifecycle_stages"])
    assert "Score threshold none" in without


@pytest.mark.parametrize("probability, closed, won, expected", [
    (0.6, False, False, "Probability 60% · open"),
    (1.0, True, True, "Probability 100% · closed, won"),
    (0.0, True, False, "Probability 0% · closed, lost"),
    (0.05, False, False, "Probability 5% · open"),
    (0.125, False, False, "Probability 12.5% · open"),
])
def test_a_deal_stage_shows_its_probability_as_a_percentage(app, probability, closed, won, expected):
    entry = as_dict("deal_stages", probability=probability, is_closed=closed, is_won=won)
    assert expected in render(app, entry, SECTIONS["deal_stages"])


def test_a_persona_is_a_card(app):
    entry = as_dict("personas", job_titles=["Plant manager"], goals=["Uptime"], pains=["Unplanned stops"],
                    icp="icp-food")
    markup = render_html(app, entry, SECTIONS["personas"])
    assert 'class="persona-card"' in markup and "<li>Plant manager</li>" in markup
    text = render(app, entry, SECTIONS["personas"])
    assert "Job titles Plant manager" in text and "Pains Unplanned stops" in text and "Works in icp-food" in text
    assert "Objections" not in text


@pytest.mark.parametrize("counts, expected", [(True, "Day 3 · call · counts as a connect"),
                                              (False, "Day 3 · call · does not count as a connect")])
def test_a_connect_attempt_reads_day_channel_and_connect(app, counts, expected):
    entry = as_dict("connect_attempts", day=3, channel="call", counts_as_connect=counts)
    assert expected in render(app, entry, SECTIONS["connect_attempts"])


def test_an_icp_lists_its_criteria(app):
    entry = as_dict("icp", criteria=[{"attribute": "employees", "operator": "gte", "value": "200"},
                                     {"attribute": "industry", "operator": "in", "value": "food,dairy"},
                                     {"attribute": "website", "operator": "exists", "value": None}])
    markup = render_html(app, entry, SECTIONS["icp"])
    assert "<li>Employees is at least 200</li>" in markup
    assert "<li>Industry is one of food,dairy</li>" in markup and "<li>Website is known</li>" in markup


def test_a_commitment_names_both_teams_and_the_target(app):
    entry = as_dict("commitments", from_team="marketing", to_team="sales", metric="MQLs delivered",
                    target=200, unit="leads", period="month")
    assert "Marketing → Sales: MQLs delivered, target 200 leads per month." in render(app, entry, SECTIONS["commitments"])


def test_generic_fields_show_lists_references_and_teams(app):
    statuses = render(app, as_dict("lead_statuses", owner_team="sales", lifecycle_stages=["mql", "sql"],
                                   returns_to="marketing"), SECTIONS["lead_statuses"])
    assert "Lifecycle stages mql, sql" in statuses and "Returns to marketing" in statuses
    terms = render(app, as_dict("terms", synonyms=["Pipeline"], related=[]), SECTIONS["terms"])
    assert "Synonyms Pipeline" in terms and "Related terms" not in terms


def test_keys_become_links_when_a_url_maker_is_given(app):
    entry = as_dict("terms", related=["mql"])
    entry.update(deprecated=True, superseded_by="sql")
    markup = render_html(app, entry, SECTIONS["terms"], term_url=lambda key: f"/terms/{key}")
    assert '<a href="/terms/mql"><code>mql</code></a>' in markup
    assert "deprecated" in markup and '<a href="/terms/sql"><code>sql</code></a>' in markup


def test_a_field_added_to_the_registry_shows_without_a_template_change(app):
    base = SECTIONS["deal_stages"]
    extended = Section(base.key, base.title, base.singular, base.summary,
                       base.fields + (Field("forecast_category", "choice", "Forecast category",
                                            choices=("pipeline", "best_case")),), ordered=True)
    entry = {**as_dict("deal_stages", probability=0.5), "forecast_category": "best_case"}
    assert "Forecast category best case" in render(app, entry, extended)


@pytest.mark.parametrize("section", SECTION_LIST, ids=lambda s: s.key)
def test_user_text_in_every_field_is_escaped(app, section):
    payload = "<script>alert(1)</script>"
    values = {}
    for f in section.fields:
        if f.kind in ("text", "longtext", "choice", "team", "ref", "time", "timezone", "email"):
            values[f.name] = payload
        elif f.kind in ("list", "refs", "choices", "dates"):
            values[f.name] = [payload]
        elif f.kind == "criteria":
            values[f.name] = [{"attribute": payload, "operator": "equals", "value": payload}]
    markup = render_html(app, as_dict(section.key, **values), section)
    assert "<script>" not in markup
    assert ("&lt;script&gt;" in markup) == bool(values)


@pytest.mark.parametrize("section", SECTION_LIST, ids=lambda s: s.key)
def test_every_section_renders_an_empty_entry(app, section):
    markup = render_html(app, as_dict(section.key), section)
    assert f"entry-{section.key.replace('_', '-')}" in markup
