"""Glossary search on the real full-text index of each database: matching, ranking, filters, hostile input."""
import pytest

from app.glossary.index import ensure_search_index
from app.glossary.search import query_words, search_terms
from tests.test_reading_sample import publish_sample

HOSTILE = [
    '"', "'", '""', "mql\"", "'; DROP TABLE entries; --", "%", "_", "%_%", "\\", "*", "mql*", "NEAR", "NEAR(mql lead)",
    "AND", "OR NOT", "mql AND", "lead OR", "-", "^", ":", "name:mql", "{name}: mql", "a & b | !c", "!!", "<->",
    "mql:*", "(", ")", "[", "]", "\x00", "mql\x00lead", "\x01\x02\x1f", "\t\n\r", "😀", "\u200b", "ß",
    "x" * 5000, "lead " * 500, "q" * 70, "é", "١٢٣", "'':*A",
]


@pytest.fixture
def sample(app):
    version = publish_sample()
    ensure_search_index()
    return version


def keys(hits):
    return [hit.key for hit in hits]


def test_matches_names_synonyms_keys_and_definitions(sample):
    assert "lead-score" in keys(search_terms("scoring")[0])           # synonym
    assert "handover" in keys(search_terms("hand-off")[0])           # synonym with a dash
    assert "mql" in keys(search_terms("mql")[0])                     # key
    assert "closed-won" in keys(search_terms("signed")[0])           # definition only


def test_prefix_matching_as_you_type(sample):
    for typed in ("m", "mq", "mql", "marketing qual", "MARKETING QUALIFIED LEAD"):
        assert "mql" in keys(search_terms(typed)[0]), typed


def test_every_word_must_match(sample):
    assert keys(search_terms("customer signed")[0]) == ["closed-won"]
    assert search_terms("customer zebra") == ([], 0)


def test_name_matches_come_before_definition_matches(sample):
    hits, total = search_terms("lead")
    found = keys(hits)
    name_hits = [k for k in found if k in {"lead", "mql", "sql", "lead-score", "hot-lead"}]
    assert found[:len(name_hits)] == name_hits
    assert found[0] == "lead"  # the name that starts with the word comes first
    assert {"returned", "handover"} <= set(found[len(name_hits):])  # definition-only matches after
    assert total == len(found)


def test_synonym_matches_come_before_definition_matches(sample):
    found = keys(search_terms("points")[0])
    assert found[0] == "lead-score"


def test_matched_words_are_marked_and_escaped(app, sample):
    hit = next(h for h in search_terms("qualif")[0] if h.key == "mql")
    assert str(hit.name_html) == "Marketing <mark>Qualified</mark> Lead"


def test_highlighting_escapes_the_text_around_marks():
    from app.glossary.search import highlight
    assert str(highlight("<b>lead</b> & co", ["lead"])) == "&lt;b&gt;<mark>lead</mark>&lt;/b&gt; &amp; co"


@pytest.mark.parametrize("value, words, expected", [
    ("A & B < C", ["amp", "lt"], "A &amp; B &lt; C"),  # never inside the entities escaping writes
    ("it's \"quoted\"", ["39", "34", "quot"], "it&#39;s &#34;<mark>quoted</mark>&#34;"),
    ("amp &amp; ampère", ["amp"], "<mark>amp</mark> &amp;<mark>amp</mark>; <mark>ampère</mark>"),
    ("Leads, misleading LEADING", ["lead"], "<mark>Leads</mark>, misleading <mark>LEADING</mark>"),
])
def test_highlighting_marks_word_starts_of_the_original_text(value, words, expected):
    from app.glossary.search import highlight
    assert str(highlight(value, words)) == expected


@pytest.mark.parametrize("section,team,expected", [
    ("lifecycle_stages", None, {"lead", "mql", "sql"}),
    (None, "sales", {"sql", "returned", "handover"}),
    ("terms", "sales", {"handover"}),
])
def test_filters_narrow_search(sample, section, team, expected):
    assert set(keys(search_terms("lead", section=section, team=team)[0])) == expected


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_never_breaks_the_query(sample, hostile):
    hits, total = search_terms(hostile)
    assert total == len(hits) or total > len(hits)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_on_the_page_answers_200(login_as, sample, hostile):
    client = login_as("reader")
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/glossary", query_string={"q": hostile, "section": hostile, "team": hostile},
                              headers=headers)
        assert response.status_code == 200


def test_query_words_strip_operators_and_cap_length():
    assert query_words('"mql" AND (lead*)') == ["mql", "and", "lead"]
    assert query_words("a_b%c") == ["a", "b", "c"]
    assert query_words("\x00") == []
    assert len(query_words("w " * 100)) == 1
    assert len(query_words(" ".join(f"w{i}" for i in range(50)))) == 8


def test_the_index_follows_a_new_published_version(app, sample):
    from tests.factories import make_entry, make_published
    from app.glossary.index import forget_verified
    from app.versions.published import forget_current
    forget_verified()  # as once ACCORD_CURRENT_TTL has run out: the factory publishes like an import
    forget_current()
    make_published([make_entry("terms", "nurture", "Nurture")], number="2.0.0")
    ensure_search_index()
    assert keys(search_terms("nurture")[0]) == ["nurture"]
    assert search_terms("mql")[0] == []
