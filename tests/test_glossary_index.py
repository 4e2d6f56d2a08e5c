"""The search index follows the current version: filled when a version is published, rebuilt when behind; fast at 10,000 terms."""
import random
import time

import pytest
from sqlalchemy import func, select

from app.glossary.index import ensure_search_index, rebuild_search_index
from app.glossary.models import GlossarySearchState, GlossaryTerm
from app.glossary.search import search_terms
from app.versions.services import approve_version, open_draft, submit_version
from tests.factories import edit_entry, make_entry, make_published
from tests.test_reading_sample import publish_sample

WORDS = ("lead qualified marketing sales pipeline score nurture handover quote deal stage contact account "
         "persona profile journey awareness decision meeting webinar pricing churn renewal upsell").split()


def indexed_keys(db) -> set[str]:
    return set(db.session.scalars(select(GlossaryTerm.entry_key)))


def test_publishing_fills_the_index_in_the_same_transaction(app, db, make_user):
    publish_sample("1.0.0")
    ensure_search_index()
    editor = make_user("editor", "marketing")
    draft = open_draft(by=editor)
    edit_entry(draft, "handover", by=editor, synonyms=["Hand-off", "Baton pass"])
    submit_version(draft, editor)
    for team in ("marketing", "sales"):
        approve_version(draft, make_user("approver", team))
    db.session.expire_all()
    state = db.session.get(GlossarySearchState, 1)
    assert (state.version_id, state.sha256) == (draft.id, draft.sha256)
    assert [hit.key for hit in search_terms("baton")[0]] == ["handover"]  # no rebuild needed first


def test_a_version_published_by_other_means_is_indexed_on_the_next_request(login_as, db):
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
    publish_sample("1.0.0")
    ensure_search_index()
    publish_sample("1.1.0", extra=[make_entry("terms", "extra", "Extra")])
    ensure_search_index()
    versions = set(db.session.scalars(select(GlossaryTerm.version_id).distinct()))
    assert len(versions) == 1
    assert db.session.scalar(select(func.count()).select_from(GlossaryTerm)) == 11


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


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def test_search_stays_fast_with_ten_thousand_terms(ten_thousand_terms, login_as):
    for query in ("l", "lead", "lead qualified", "zanzibar", "needle hay", "nothing-matches-this"):
        (hits, total), seconds = timed(search_terms, query)
        assert seconds < 0.5, (query, seconds)
    hits, total = search_terms("needle")
    assert hits[0].key == "needle" and total == 1
    hits, total = search_terms("lead")
    assert total > 1000 and len(hits) == 100
    assert all(h.tier == 0 for h in hits[:10])  # name matches first
    client = login_as("reader")
    response, seconds = timed(client.get, "/glossary?q=lead", headers={"HX-Request": "true"})
    assert response.status_code == 200 and seconds < 1.0, seconds


def test_browsing_ten_thousand_terms_goes_letter_by_letter(ten_thousand_terms, login_as):
    client = login_as("reader")
    response, seconds = timed(client.get, "/glossary")
    assert response.status_code == 200 and seconds < 1.5, seconds
    assert b"10001 terms, A\xe2\x80\x93Z; showing the" in response.data
    assert len(response.data) < 1_000_000
    response, seconds = timed(client.get, "/terms/needle")
    assert response.status_code == 200 and seconds < 3.0, seconds  # builds the auto-linker once
    response, seconds = timed(client.get, "/terms/needle")
    assert seconds < 0.3, seconds
