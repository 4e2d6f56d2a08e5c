"""A term's page: rendered and auto-linked definition, fields, deprecation, back-links and history."""
import pytest

from app.glossary.history import term_history
from tests.factories import make_entry
from tests.test_reading_sample import MQL_DEFINITION, MQL_DEFINITION_V2, publish_sample, sample_entries


@pytest.fixture
def reader(login_as):
    publish_sample()
    return login_as("reader")


def page(client, key):
    response = client.get(f"/terms/{key}")
    return response.status_code, response.get_data(as_text=True)


def test_the_definition_is_rendered_and_its_mentions_link_to_other_terms(reader):
    status, html = page(reader, "handover")
    assert status == 200
    assert "<h1>Handover</h1>" in html
    assert ('<strong><a href="/terms/mql" class="term-link" title="A lead that marketing has nurtured until it is '
            'ready for sales.">Marketing Qualified Lead</a></strong>') in html


def test_a_term_never_links_to_itself(reader):
    _, html = page(reader, "lead-score")  # its definition starts with its own synonym "Points"
    assert 'href="/terms/lead-score"' not in html.split('class="definition">')[1].split("</div>")[0]
    _, html = page(reader, "sql")
    definition = html.split('class="definition">')[1].split("</div>")[0]
    assert 'href="/terms/sql"' not in definition
    assert '<a href="/terms/mql" class="term-link"' in definition  # "MQL": a mention by its key
    assert "<code>Lead</code>" in definition  # never inside code


def test_structured_fields_read_meaningfully(reader):
    _, html = page(reader, "mql")
    assert "<dt>Entry criteria</dt>" in html and "Score of 50 or more." in html
    assert "50 points" in html
    _, html = page(reader, "closed-won")
    assert "Probability <strong>100%</strong>" in html and "closed, won" in html
    _, html = page(reader, "ops-olivia")
    assert 'Works in <a href="/terms/mid-market"><code>mid-market</code></a>' in html


def test_a_deprecated_term_is_marked_and_points_to_its_successor(reader):
    _, html = page(reader, "hot-lead")
    assert '<span class="badge badge-warning">deprecated</span>' in html
    assert 'This term is deprecated: use <a href="/terms/mql">Marketing Qualified Lead</a> instead.' in html


def test_back_links_list_every_term_that_points_here(reader):
    _, html = page(reader, "mql")
    backlinks = html.split('id="backlinks-heading"')[1].split("</section>")[0]
    assert 'href="/terms/handover">Handover</a>' in backlinks          # related
    assert 'href="/terms/lead-score">Lead score</a>' in backlinks      # related
    assert 'href="/terms/hot-lead">Hot lead</a>' in backlinks          # superseded_by
    assert "replaced by this term" in backlinks
    _, html = page(reader, "sql")
    assert 'href="/terms/returned">Returned – not ready</a>' in html     # lifecycle_stages of a lead status
    _, html = page(reader, "mid-market")
    assert 'href="/terms/ops-olivia">Operations Olivia</a>' in html      # a persona's ICP
    _, html = page(reader, "closed-won")
    assert "No other term points at this one." in html


def test_history_shows_how_a_definition_used_to_read(reader):
    publish_sample("1.0.1", mql_definition=MQL_DEFINITION_V2)
    _, html = page(reader, "mql")
    history = html.split('id="history"')[1]
    assert 'href="#history">History: 2 versions changed this term</a>' in html
    newer, older = 'Version <a href="/versions/1.0.1">1.0.1</a>', 'Version <a href="/versions/1.0.0">1.0.0</a>'
    assert history.index(newer) < history.index(older)  # newest first, each linking to its version
    assert 'href="/compare?from=1.0.0&amp;to=1.0.1"' in history
    assert '<span class="badge change-changed">changed</span>' in history
    assert "<del>has nurtured until it is ready for</del><ins>hands to</ins>" in history  # word-level diff
    assert '<span class="badge change-added">added</span>' in history
    assert "has nurtured until it is ready for sales" in history  # the first definition, whole


def test_history_records_deprecation_structured_changes_and_unchanged_versions(app, db):
    publish_sample("1.0.0")
    entries = sample_entries()
    lead = next(e for e in entries if e.key == "lead")
    lead.deprecated, lead.superseded_by = True, "mql"
    mql = next(e for e in entries if e.key == "mql")
    mql.fields = {**mql.fields, "score_threshold": 60}
    from tests.factories import make_published
    make_published(entries, number="1.1.0")
    publish_sample("1.2.0", extra=[make_entry("terms", "unrelated", "Unrelated")])  # undeprecates, resets
    lead_history = term_history("lead")
    assert [(e.version.number, e.change) for e in lead_history] == [
        ("1.2.0", "changed"), ("1.1.0", "deprecated"), ("1.0.0", "added")]
    deprecation = {f.name: f for f in lead_history[1].fields}
    assert set(deprecation) == {"deprecated", "superseded_by"}
    threshold = {f.name: f for f in term_history("mql")[1].fields}["score_threshold"]
    assert (threshold.old, threshold.new) == ("50", "60")
    assert str(threshold.diff_html) == "<del>50</del> → <ins>60</ins>"
    assert [e.change for e in term_history("closed-won")] == ["added"]  # unchanged versions are skipped


def test_a_removed_term_is_a_404_that_still_shows_its_history(reader):
    publish_sample("2.0.0", extra=[])  # same entries: nothing removed yet
    from tests.factories import make_published
    make_published([e for e in sample_entries() if e.key != "hot-lead"], number="3.0.0")
    status, html = page(reader, "hot-lead")
    assert status == 404
    assert "is no longer in the agreement" in html
    assert '<span class="badge change-removed">removed</span>' in html
    assert "Old name for an MQL." in html


def test_a_term_removed_then_added_again(app):
    from tests.factories import make_published
    publish_sample("1.0.0")
    make_published([e for e in sample_entries() if e.key != "lead"], number="2.0.0")
    publish_sample("2.1.0")
    assert [e.change for e in term_history("lead")] == ["restored", "removed", "added"]


@pytest.mark.parametrize("key", ["nope", "MQL", "mql ", "a" * 300, "%00", "..%2f..%2fetc", "<script>"])
def test_unknown_keys_get_a_friendly_404(reader, key):
    status, html = page(reader, key)
    assert status == 404
    assert "Not found" in html and 'href="/glossary">Search the glossary</a>' in html
    assert "<script>" not in html.split("<main")[1]


def test_before_any_publish_every_term_is_404(login_as):
    assert login_as("reader").get("/terms/mql").status_code == 404


def test_history_is_computed_from_the_stored_documents_once(reader, monkeypatch):
    from app.versions import published
    publish_sample("1.0.1", mql_definition=MQL_DEFINITION_V2)
    page(reader, "mql")
    calls = []
    parse = published._parse
    monkeypatch.setattr(published, "_parse", lambda ref: calls.append(ref.sha256) or parse(ref))
    page(reader, "mql")
    assert calls == []  # a second look parses nothing again
    assert MQL_DEFINITION != MQL_DEFINITION_V2


def test_other_pages_can_link_terms_with_the_linked_markdown_filter(app):
    from flask import render_template_string
    publish_sample()
    with app.test_request_context():
        html = render_template_string("{{ text|linked_markdown('handover') }}",
                                      text="A **lead**, a Handover and <script>x</script>")
    assert '<strong><a href="/terms/lead" class="term-link"' in html
    assert 'href="/terms/handover"' not in html and "<script>" not in html


def test_the_linked_markdown_filter_before_any_publish_is_plain_markdown(app):
    from flask import render_template_string
    with app.test_request_context():
        assert render_template_string("{{ 'A *lead*'|linked_markdown }}") == "<p>A <em>lead</em></p>"


def test_the_history_memo_keeps_the_most_recently_used_terms(app, monkeypatch):
    from app.cache import BoundedMemo
    from app.glossary import history
    publish_sample("1.0.0")
    monkeypatch.setattr(history, "_histories", BoundedMemo(2))
    computed, compute = [], history._compute
    monkeypatch.setattr(history, "_compute", lambda key, versions: computed.append(key) or compute(key, versions))
    for key in ("lead", "mql", "lead", "closed-won", "mql"):
        term_history(key)
    assert computed == ["lead", "mql", "closed-won", "mql"]  # mql was the least recently used


def test_a_thai_reader_reads_a_term_and_its_404_in_thai(reader):
    thai = {"Accept-Language": "th"}
    html = reader.get("/terms/hot-lead", headers=thai).get_data(as_text=True)
    assert 'คำนี้เลิกใช้แล้ว โปรดใช้ <a href="/terms/mql">Marketing Qualified Lead</a> แทน' in html
    assert "ประวัติ: คำนี้มีการเปลี่ยนแปลงใน 1 เวอร์ชัน" in html
    missing = reader.get("/terms/nope", headers=thai)
    assert missing.status_code == 404 and "ไม่มีคำ “nope” ในข้อตกลงปัจจุบัน" in missing.get_data(as_text=True)
