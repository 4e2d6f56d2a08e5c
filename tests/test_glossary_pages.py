"""The glossary page: A–Z with a letter index, filters, search as you type; one URL for page and fragment."""
import re

import pytest

from tests.test_reading_sample import publish_sample

ROLES = ["reader", "editor", "approver", "admin"]
HTMX = {"HX-Request": "true"}


@pytest.fixture
def reader(login_as):
    publish_sample()
    return login_as("reader")


def term_keys(html: str) -> list[str]:
    return re.findall(r'href="/terms/([^"]+)" class="term-name"', html)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/glossary", "/glossary?q=lead", "/terms/mql"])
def test_every_signed_in_role_reads_the_glossary(login_as, role, url):
    publish_sample()
    assert login_as(role).get(url).status_code == 200


@pytest.mark.parametrize("url", ["/glossary", "/glossary?q=lead", "/terms/mql"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    publish_sample()
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_every_term_a_to_z_with_a_letter_index(reader):
    page = reader.get("/glossary").get_data(as_text=True)
    assert term_keys(page) == ["closed-won", "handover", "hot-lead", "lead", "lead-score", "mql",
                               "mid-market", "ops-olivia", "returned", "sql"]
    assert '<a href="#letter-M" aria-label="Terms under M">M</a>' in page
    assert '<h2 id="letter-M">M</h2>' in page
    assert '<span class="letter-empty" aria-hidden="true">A</span>' in page
    assert "10 terms, A–Z." in page


def test_each_listed_term_shows_its_section_summary_and_deprecation(reader):
    page = reader.get("/glossary").get_data(as_text=True)
    hot = page.split('href="/terms/hot-lead"')[1].split("</li>")[0]
    assert "deprecated" in hot and "Old name for an MQL." in hot


@pytest.mark.parametrize("query,expected", [
    ("section=lifecycle_stages", ["lead", "mql", "sql"]),
    ("team=sales", ["closed-won", "handover", "returned", "sql"]),
    ("section=terms&team=sales", ["handover"]),
    ("section=nonsense", None),  # unknown filters are ignored
    ("team=Not%20A%20Slug", None),
])
def test_filters(reader, query, expected):
    keys = term_keys(reader.get(f"/glossary?{query}").get_data(as_text=True))
    assert keys == (expected if expected is not None else term_keys(reader.get("/glossary").get_data(as_text=True)))


def test_a_filter_with_nothing_in_it_says_so(reader):
    page = reader.get("/glossary?section=commitments").get_data(as_text=True)
    assert "No term is in the chosen filters." in page


def test_the_search_fragment_and_the_whole_page_share_one_url(reader):
    full = reader.get("/glossary?q=qualified")
    fragment = reader.get("/glossary?q=qualified", headers=HTMX)
    assert full.status_code == fragment.status_code == 200
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    full_html, fragment_html = full.get_data(as_text=True), fragment.get_data(as_text=True)
    assert "<html" in full_html and "<html" not in fragment_html
    assert 'id="q"' in full_html and 'value="qualified"' in full_html
    assert 'id="q"' not in fragment_html
    keys = term_keys(fragment_html)
    assert keys == term_keys(full_html)
    assert sorted(keys[:2]) == ["mql", "sql"] and keys[2:] == ["handover"]  # names first
    assert "<mark>Qualified</mark>" in fragment_html


def test_the_search_box_searches_as_you_type_and_replaces_the_url(reader):
    page = reader.get("/glossary").get_data(as_text=True)
    search_input = page.split('<input type="search"')[1].split(">")[0]
    # input (not keyup) sees IME composition and paste; typing replaces the URL, one history entry
    assert 'hx-trigger="input changed delay:250ms, search"' in search_input
    assert 'hx-replace-url="true"' in search_input and 'hx-push-url' not in search_input
    form = page.split('<form role="search"')[1].split(">")[0]
    assert 'hx-disinherit="hx-push-url"' in form  # the box does not push as the form's submit does
    assert 'hx-target="#results"' in search_input
    assert '<label for="q">' in page and '<label for="section">' in page and '<label for="team">' in page


def test_names_rank_before_definitions_on_the_page(reader):
    keys = term_keys(reader.get("/glossary?q=lead", headers=HTMX).get_data(as_text=True))
    assert keys[0] == "lead"
    assert keys.index("mql") < keys.index("returned")


def test_search_within_filters(reader):
    keys = term_keys(reader.get("/glossary?q=lead&section=lifecycle_stages", headers=HTMX).get_data(as_text=True))
    assert sorted(keys) == ["lead", "mql", "sql"]


def test_a_search_with_no_match_shows_a_helpful_empty_state(reader):
    page = reader.get("/glossary?q=zebra&team=sales", headers=HTMX).get_data(as_text=True)
    assert "No term matches “zebra” in the chosen filters." in page
    assert 'href="/glossary?q=zebra">all sections and teams</a>' in page
    assert 'href="/glossary">browse every term A–Z</a>' in page


def test_typed_markup_is_escaped_everywhere(reader):
    page = reader.get("/glossary?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_before_any_publish_the_glossary_is_empty_but_friendly(login_as):
    client = login_as("reader")
    for headers in ({}, HTMX):
        response = client.get("/glossary?q=mql", headers=headers)
        assert response.status_code == 200
        assert b"No version of the agreement has been published yet" in response.data


def test_readers_never_see_the_open_draft(login_as):
    from tests.factories import make_draft, make_entry
    publish_sample()
    make_draft([make_entry("terms", "secret", "Secret draft term")])
    client = login_as("reader")
    assert b"Secret draft term" not in client.get("/glossary").data
    assert b"Secret" not in client.get("/glossary?q=secret").data
    assert client.get("/terms/secret").status_code == 404


def test_a_large_glossary_is_listed_one_letter_at_a_time(reader, monkeypatch):
    from app.glossary import services
    monkeypatch.setattr(services, "BROWSE_ALL_LIMIT", 5)
    page = reader.get("/glossary").get_data(as_text=True)
    assert term_keys(page) == ["closed-won"]  # the first letter with terms
    assert "10 terms, A–Z; showing the 1 under C." in page
    assert ('<a href="/glossary?letter=M" hx-get="/glossary?letter=M" hx-target="#results" hx-push-url="true" '
            'aria-label="Terms under M">M</a>') in page
    fragment = reader.get("/glossary?letter=m&team=marketing", headers=HTMX).get_data(as_text=True)
    assert term_keys(fragment) == ["mql", "mid-market"]
    assert 'aria-current="page">M</a>' in fragment
    assert 'href="/glossary?letter=L&amp;team=marketing"' in fragment  # the filters stay


def test_a_letter_can_be_asked_for_on_a_small_glossary_too(reader):
    assert term_keys(reader.get("/glossary?letter=H").get_data(as_text=True)) == ["handover", "hot-lead"]
    assert len(term_keys(reader.get("/glossary?letter=%00").get_data(as_text=True))) == 10  # unknown: ignored


@pytest.mark.parametrize("key", ["mql", "lead-score", "a b", "ü/é?#%", "0", "x" * 64])
@pytest.mark.parametrize("script_root", ["", "/accord"])
def test_term_links_are_what_url_for_builds(app, key, script_root):
    from flask import url_for

    from app.glossary import term_url

    with app.test_request_context("/glossary", environ_base={"SCRIPT_NAME": script_root}):
        assert term_url("first") == url_for("glossary.term", key="first")  # the prefix is kept for the request
        assert term_url(key) == url_for("glossary.term", key=key)
