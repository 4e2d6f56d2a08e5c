"""The search index follows the current version: filled when a version is published, rebuilt when behind; fast at 10,000 terms."""
import html
import random
import re

import pytest
from sqlalchemy import event, func, select, text

from app.glossary.index import ensure_search_index, rebuild_search_index
from app.glossary.models import GlossarySearchState, GlossaryTerm
from app.glossary.search import RESULT_LIMIT, search_terms
from app.glossary.services import MAX_PAGES, RESULT_PAGE
from app.models import Entry
from app.versions.services import open_draft
from tests.factories import edit_entry, make_entry, make_published, publish_edit, sign_off
from tests.test_reading_sample import publish_sample

WORDS = ("lead qualified marketing sales pipeline score nurture handover quote deal stage contact account "
         "persona profile journey awareness decision meeting webinar pricing churn renewal upsell").split()


def indexed_keys(db) -> set[str]:
    return set(db.session.scalars(select(GlossaryTerm.entry_key)))


def test_publishing_fills_the_index_in_the_same_transaction(app, db, make_user):
    publish_sample("1.0.0")
    ensure_search_index()
    draft = publish_edit(make_user("editor", "marketing"), approvers(make_user), "handover",
                         synonyms=["Hand-off", "Baton pass"])
    db.session.expire_all()
    state = db.session.get(GlossarySearchState, 1)
    assert (state.version_id, state.sha256) == (draft.id, draft.sha256)
    assert [hit.key for hit in search_terms("baton")[0]] == ["handover"]  # no rebuild needed first


def test_a_version_published_by_other_means_is_indexed_on_the_next_check(app, login_as, db):
    app.config["ACCORD_CURRENT_TTL"] = 0  # check on every request (else within the TTL)
    client = login_as("reader")
    publish_sample("1.0.0")  # the factory publishes without the signal, like an import would
    assert db.session.get(GlossarySearchState, 1) is None
    assert b"/terms/mql" in client.get("/glossary?q=mql").data
    make_published([make_entry("terms", "nurture", "Nurture")], number="2.0.0")
    page = client.get("/glossary").data
    assert b"/terms/nurture" in page and b"/terms/mql" not in page
    assert indexed_keys(db) == {"nurture"}


def test_rebuilding_for_nothing_empties_the_index(app, db):
    publish_sample("1.0.0")
    ensure_search_index()
    assert indexed_keys(db)
    rebuild_search_index(None)
    db.session.commit()
    assert indexed_keys(db) == set()
    assert search_terms("lead") == ([], 0)


def test_the_index_holds_only_the_current_version(app, db):
    app.config["ACCORD_CURRENT_TTL"] = 0  # the factory publishes without the signal, like an import
    publish_sample("1.0.0")
    ensure_search_index()
    publish_sample("1.1.0", extra=[make_entry("terms", "extra", "Extra")])
    ensure_search_index()
    assert indexed_keys(db) == {entry["key"] for entries in current_sections(db).values() for entry in entries}
    assert db.session.scalar(select(func.count()).select_from(GlossaryTerm)) == 11


def current_sections(db) -> dict:
    from app.versions.published import current_version_ref, document_for
    return document_for(current_version_ref()).sections


def approvers(make_user) -> list:
    return [make_user("approver", team) for team in ("marketing", "sales")]


def row_ids(db) -> dict[str, int]:
    return dict(db.session.execute(select(GlossaryTerm.entry_key, GlossaryTerm.id)).all())


def test_publishing_rewrites_only_the_terms_that_changed(app, db, make_user):
    publish_sample("1.0.0")
    ensure_search_index()
    before = row_ids(db)
    editor = make_user("editor", "marketing")
    draft = open_draft(by=editor)
    edit_entry(draft, "handover", by=editor, definition="The moment a lead is passed to the **zeppelin** desk.")
    db.session.delete(db.session.scalar(select(Entry).where(Entry.version_id == draft.id, Entry.key == "hot-lead")))
    added = make_entry("terms", "quokka", "Quokka score", definition="A cheerful metric.")
    added.version_id = draft.id
    db.session.add(added)
    db.session.commit()
    sign_off(draft, editor, approvers(make_user))
    db.session.expire_all()

    after = row_ids(db)
    assert set(after) == set(before) - {"hot-lead"} | {"quokka"}
    unchanged = set(before) - {"handover", "hot-lead"}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}  # rows kept
    assert after["handover"] > max(before.values()) and after["quokka"] > max(before.values())  # rows written anew
    assert [hit.key for hit in search_terms("zeppelin")[0]] == ["handover"]
    assert [hit.key for hit in search_terms("quokka")[0]] == ["quokka"]
    assert search_terms("baton")[0] == [] and "hot-lead" not in {h.key for h in search_terms("old name")[0]}
    assert "handover" not in {hit.key for hit in search_terms("passes")[0]}  # its old text is forgotten
    if db.engine.dialect.name == "sqlite":  # the full-text index agrees with its content table
        db.session.execute(text("INSERT INTO glossary_terms_fts(glossary_terms_fts) VALUES ('integrity-check')"))


def test_publishing_rebuilds_an_index_that_holds_another_version(app, db, make_user):
    publish_sample("1.0.0")
    ensure_search_index()
    rebuild_search_index(None)  # as after a restore: the index no longer holds the current version
    db.session.commit()
    editor = make_user("editor", "marketing")
    draft = open_draft(by=editor)
    edit_entry(draft, "handover", by=editor, synonyms=["Baton pass"])
    sign_off(draft, editor, approvers(make_user))
    db.session.expire_all()
    assert indexed_keys(db) == {entry["key"] for entries in current_sections(db).values() for entry in entries}
    assert [hit.key for hit in search_terms("baton")[0]] == ["handover"]
    state = db.session.get(GlossarySearchState, 1)
    assert (state.version_id, state.sha256) == (draft.id, draft.sha256)


@pytest.fixture
def ten_thousand_terms(app, db):
    rng = random.Random(6)
    entries = [make_entry("terms", f"term-{i:05d}", f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}",
                          definition=" ".join(rng.choice(WORDS) for _ in range(30)),
                          synonyms=[f"{rng.choice(WORDS)} alias {i}"])
               for i in range(10_000)]
    entries.append(make_entry("terms", "needle", "Needle in the haystack", definition="Rare word: zanzibar."))
    make_published(entries)
    ensure_search_index()


def test_search_finds_and_counts_among_ten_thousand_terms(ten_thousand_terms, login_as):
    """Speed at this size is measured by `make bench` (ratios, never wall times in a test)."""
    for query in ("l", "lead", "lead qualified", "zanzibar", "needle hay", "nothing-matches-this"):
        hits, total = search_terms(query)
        assert len(hits) == min(total, RESULT_LIMIT), query
    hits, total = search_terms("needle")
    assert hits[0].key == "needle" and total == 1
    assert [hit.key for hit in search_terms("zanzibar")[0]] == ["needle"]
    hits, total = search_terms("lead")
    assert total > 1000 and len(hits) == RESULT_LIMIT
    assert all(h.tier == 0 for h in hits[:10])  # name matches first
    client = login_as("reader")
    response = client.get("/glossary?q=lead", headers={"HX-Request": "true"})
    assert response.status_code == 200 and b"<html" not in response.data
    assert f"{total} terms match".encode() in response.data
    assert f"the best {RESULT_PAGE} are shown".encode() in response.data
    assert response.data.count(b'class="term-name"') == RESULT_PAGE


@pytest.fixture
def lead_terms(app, db):
    """More matches for "lead" than MAX_PAGES pages hold, and one term that only "zanzibar" finds."""
    entries = [make_entry("terms", f"lead-{i:03d}", f"Lead kind {i:03d}", definition="A kind of lead.")
               for i in range(RESULT_PAGE * MAX_PAGES + 5)]
    entries.append(make_entry("terms", "needle", "Needle in the haystack", definition="Rare word: zanzibar."))
    make_published(entries)
    ensure_search_index()


@pytest.mark.parametrize("htmx", [True, False])
def test_show_more_adds_a_page_of_results_until_the_last(lead_terms, login_as, htmx):
    client = login_as("reader")
    headers = {"HX-Request": "true"} if htmx else {}
    first = client.get("/glossary?q=lead", headers=headers).data.decode()
    more = re.search(r'<p class="show-more"><a href="([^"]+)" hx-get="\1"[^>]*>Show 25 more</a>', first)
    assert more, "a Show more link to the next page"
    second = client.get(html.unescape(more.group(1)), headers=headers).data.decode()
    assert second.count('class="term-name"') == 2 * RESULT_PAGE
    keys = re.findall(r'href="/terms/([^"]+)" class="term-name"', second)
    assert keys[:RESULT_PAGE] == re.findall(r'href="/terms/([^"]+)" class="term-name"', first)  # same order
    assert len(set(keys)) == len(keys)
    assert ("<html" in second) is not htmx
    last = client.get(f"/glossary?q=lead&pages={MAX_PAGES}", headers=headers).data.decode()
    assert 'class="show-more"' not in last  # the last page offers no more
    assert 'class="show-more"' not in client.get("/glossary?q=zanzibar", headers=headers).data.decode()


@pytest.mark.parametrize("pages, shown", [("2", 50), ("0", 25), ("-1", 25), ("x", 25), ("999", 25 * MAX_PAGES),
                                          ("²", 25), ("1" * 50, 25 * MAX_PAGES)])
def test_the_pages_parameter_is_bounded(lead_terms, login_as, pages, shown):
    response = login_as("reader").get(f"/glossary?q=lead&pages={pages}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.data.count(b'class="term-name"') == shown


def test_browsing_ten_thousand_terms_goes_letter_by_letter(ten_thousand_terms, login_as):
    client = login_as("reader")
    response = client.get("/glossary")
    assert response.status_code == 200
    assert b"10001 terms, A\xe2\x80\x93Z; showing the" in response.data
    assert len(response.data) < 1_000_000
    for _ in range(2):  # the second page view reuses the auto-linker built by the first
        response = client.get("/terms/needle")
        assert response.status_code == 200 and b"Needle in the haystack" in response.data


def state_reads(db, client, url) -> list[str]:
    """The statements reading the index's state during one request."""
    seen = []
    listener = lambda _c, _cu, statement, *_a: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return [s for s in seen if "glossary_search_state" in s]


def test_a_worker_checks_the_index_once_per_ttl(app, db, login_as):
    app.config["ACCORD_CURRENT_TTL"] = 3600
    client = login_as("reader")
    publish_sample("1.0.0")
    assert state_reads(db, client, "/glossary?q=handover")  # first look: checked (and built)
    assert state_reads(db, client, "/glossary?q=handover") == []  # same current version: trusted


@pytest.mark.parametrize("ttl, found_after_restore", [(0, True), (3600, False)])
def test_an_index_emptied_behind_the_server_is_rebuilt_once_the_ttl_runs_out(app, db, login_as, ttl,
                                                                             found_after_restore):
    app.config["ACCORD_CURRENT_TTL"] = ttl
    client = login_as("reader")
    publish_sample("1.0.0")
    assert b"/terms/handover" in client.get("/glossary?q=handover").data
    rebuild_search_index(None)  # what an import into a running server's database leaves
    db.session.commit()
    found = b"/terms/handover" in client.get("/glossary?q=handover").data
    assert found is found_after_restore


def page_statements(db, client, url) -> list[str]:
    seen = []
    listener = lambda _c, _cu, statement, *_a: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return seen


def test_letter_counts_and_owning_teams_are_read_once_per_check(app, db, login_as):
    app.config["ACCORD_CURRENT_TTL"] = 3600
    client = login_as("reader")
    publish_sample("1.0.0")
    first = page_statements(db, client, "/glossary")
    again = page_statements(db, client, "/glossary")
    for fragment in ("GROUP BY glossary_terms.letter", "DISTINCT glossary_terms.team"):
        assert any(fragment in s for s in first) and not any(fragment in s for s in again), fragment
    assert any("FROM teams" in s for s in again)  # team names may be renamed at any time: always read
    assert client.get("/glossary").data == client.get("/glossary").data


def test_the_publishing_worker_checks_the_index_again_at_once(app, db, login_as, make_user):
    app.config["ACCORD_CURRENT_TTL"] = 3600
    client = login_as("reader")
    publish_sample("1.0.0")
    assert b"Hand-off" not in client.get("/glossary?q=baton", headers={"HX-Request": "true"}).data
    editor = make_user("editor", "marketing")
    draft = open_draft(by=editor)
    edit_entry(draft, "handover", by=editor, synonyms=["Baton pass"])
    sign_off(draft, editor, approvers(make_user))
    db.session.expire_all()
    page = client.get("/glossary").data
    assert f"as signed in version {draft.number}".encode() in page  # not the version checked before
    assert b"/terms/handover" in client.get("/glossary?q=baton", headers={"HX-Request": "true"}).data
