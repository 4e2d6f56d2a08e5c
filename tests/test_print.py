"""The printable agreement and its Markdown download, from the stored document of any published version."""
import re

import pytest

from app.sla.sections import SECTION_LIST
from tests.test_reading_sample import MQL_DEFINITION, MQL_DEFINITION_V2, publish_sample


@pytest.fixture
def signed(login_as, make_user):
    approvers = [make_user("approver", "marketing", name="Mia Marketing"),
                 make_user("approver", "sales", name="Sam Sales")]
    first = publish_sample("1.0.0", approvers=approvers)
    publish_sample("1.1.0", mql_definition=MQL_DEFINITION_V2, approvers=approvers)
    return login_as("reader"), first


def test_print_shows_title_version_dates_signatures_and_every_section_in_order(signed):
    client, _ = signed
    html = client.get("/print").get_data(as_text=True)
    assert "<h1>Sales &amp; Marketing SLA</h1>" in html
    assert "Version <strong>1.1.0</strong>" in html and "in force from" in html
    assert "<td>Marketing</td><td>Mia Marketing</td>" in html and "<td>Sales</td><td>Sam Sales</td>" in html
    positions = [html.index(f'id="section-{s.key}-title">{s.title}</h2>') for s in SECTION_LIST]
    assert positions == sorted(positions)
    assert html.count('class="print-section"') == len(SECTION_LIST)
    assert "No entries in this section." in html  # e.g. commitments
    assert MQL_DEFINITION_V2.split(".")[0] in html
    assert "Probability <strong>100%</strong>" in html  # structured fields, read meaningfully
    assert 'rel="stylesheet" href="/static/css/print.css" media="print"' in html


def test_print_of_an_earlier_version(signed):
    client, _ = signed
    html = client.get("/print?version=1.0.0").get_data(as_text=True)
    assert "Version <strong>1.0.0</strong>" in html
    assert MQL_DEFINITION.split(".")[0] in html and MQL_DEFINITION_V2.split(".")[0] not in html


@pytest.mark.parametrize("url", ["/print?version=9.9.9", "/print?version=latest", "/print?version=1.0.0%00",
                                 "/print.md?version=9.9.9", "/print.md?version=%27%3B--"])
def test_unknown_versions_are_404(signed, url):
    assert signed[0].get(url).status_code == 404


@pytest.mark.parametrize("url", ["/print", "/print.md"])
def test_before_any_publish_print_is_404(login_as, url):
    assert login_as("reader").get(url).status_code == 404


@pytest.mark.parametrize("url", ["/print", "/print.md"])
def test_print_needs_a_signed_in_user(client, url):
    publish_sample()
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_markdown_download(signed):
    client, _ = signed
    response = client.get("/print.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=sales-marketing-sla-1.1.0.md"
    text = response.get_data(as_text=True)
    assert text.startswith("# Sales & Marketing SLA\n\nVersion 1.1.0 · effective from ")
    assert "| Marketing | Mia Marketing |" in text and "| Sales | Sam Sales |" in text
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == ["Signatures"] + [s.title for s in SECTION_LIST]
    assert "### Marketing Qualified Lead (`mql`)" in text
    assert MQL_DEFINITION_V2 in text
    assert "- **Score threshold:** 50" in text
    assert "- **Probability:** 1 (100 %)" in text
    assert "- **Lifecycle stages:** Sales Qualified Lead (`sql`)" in text
    assert "**deprecated**, superseded by `mql`" in text
    assert "\n\n\n" not in text


def test_the_markdown_of_an_earlier_version(signed):
    response = signed[0].get("/print.md?version=1.0.0")
    assert response.headers["Content-Disposition"] == "attachment; filename=sales-marketing-sla-1.0.0.md"
    assert MQL_DEFINITION in response.get_data(as_text=True)


def test_names_are_inert_in_markdown(login_as):
    from tests.factories import make_entry, make_published
    make_published([make_entry("terms", "odd", "*Bold* [link](x) | pipe # hash")])
    text = login_as("reader").get("/print.md").get_data(as_text=True)
    assert r"### \*Bold\* \[link\](x) \| pipe \# hash (`odd`)" in text


def test_print_is_built_from_the_stored_bytes(signed, db):
    """Entries of a published version cannot change, but the document is the record: print reads it."""
    _, first = signed
    stored = first.document.decode()
    assert "nurtured until it is ready for sales" in stored
    html = signed[0].get("/print?version=1.0.0").get_data(as_text=True)
    assert first.sha256 in html
