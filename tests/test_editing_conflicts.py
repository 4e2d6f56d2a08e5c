"""No lost updates: a save made from a stale copy is refused with both texts side by side."""
import threading

import pytest

from app.editing.services import StaleEntryError, update_entry
from app.extensions import db
from app.models import Entry, User
from app.transactions import transaction
from tests.factories import make_draft, make_entry
from tests.test_editing_support import audit_actions, entry_by_key, html_of, valid_post

HX = {"HX-Request": "true"}
URL = "/draft/terms/mql/edit"


@pytest.fixture
def draft(app):
    return make_draft([make_entry("terms", "mql", "Marketing qualified lead", definition="The original text.",
                                  synonyms=["MQL"]),
                       make_entry("terms", "sql", "Sales qualified lead")])


def save(client, revision, headers=None, **overrides):
    data = valid_post("terms", key="mql", name="Marketing qualified lead", revision=str(revision),
                      related=["sql"], **overrides)
    return client.post(URL, data=data, headers=headers or {})


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_the_later_save_from_a_stale_copy_is_refused_and_shows_both_texts(login_as, draft, headers):
    alice, bob = login_as("editor", name="Alice"), login_as("editor", team="sales", name="Bob")
    assert 'value="1"' in html_of(alice.get(URL)) and 'value="1"' in html_of(bob.get(URL))
    assert save(alice, 1, definition="Alice's text.").status_code == 302
    response = save(bob, 1, headers, definition="Bob's text.")
    assert response.status_code == 409
    page = html_of(response)
    assert ("<html" in page) != bool(headers)
    assert "Alice saved it at" in page
    assert "Bob&#39;s text." in page and "Alice&#39;s text." in page
    assert page.index("Bob&#39;s text.") < page.index("Alice&#39;s text.")  # yours, then theirs
    assert "Keep theirs" in page and "Overwrite with mine" in page
    assert 'name="revision" value="2"' in page
    entry = entry_by_key(draft, "mql")
    assert entry.definition == "Alice's text." and entry.revision == 2
    assert audit_actions() == ["entry.changed"]


def test_overwrite_with_mine_saves_again_from_the_current_revision(login_as, draft):
    alice, bob = login_as("editor", name="Alice"), login_as("editor", name="Bob")
    save(alice, 1, definition="Alice's text.")
    conflict = html_of(save(bob, 1, HX, definition="Bob's text.\nSecond line.", synonyms="MQL\nLead"))
    assert 'name="definition" value="Bob&#39;s text.\nSecond line."' in conflict
    assert 'name="synonyms" value="MQL\nLead"' in conflict and 'name="related" value="sql"' in conflict
    response = bob.post(URL, headers=HX, data={
        "revision": "2", "key": "mql", "name": "Marketing qualified lead", "team": "marketing",
        "definition": "Bob's text.\r\nSecond line.", "synonyms": "MQL\r\nLead", "related": "sql"})
    assert response.status_code == 200
    entry = entry_by_key(draft, "mql")
    assert entry.definition == "Bob's text.\nSecond line." and entry.revision == 3
    assert entry.fields["synonyms"] == ["MQL", "Lead"] and entry.updated_by_id == bob.user.id
    assert audit_actions() == ["entry.changed", "entry.changed"]


def test_keep_theirs_shows_the_current_entry(login_as, draft):
    alice, bob = login_as("editor", name="Alice"), login_as("editor", name="Bob")
    save(alice, 1, definition="Alice's text.")
    page = html_of(save(bob, 1, HX, definition="Bob's text."))
    assert 'hx-get="/draft/terms/mql"' in page and 'href="/draft/terms#entry-mql"' in page
    current = html_of(bob.get("/draft/terms/mql", headers=HX))
    assert "Alice's text." in current and "Bob" not in current
    assert entry_by_key(draft, "mql").definition == "Alice's text."


def test_the_conflict_view_marks_the_fields_that_differ(login_as, draft):
    alice, bob = login_as("editor"), login_as("editor")
    save(alice, 1, definition="Alice's text.")
    page = html_of(save(bob, 1, HX, definition="Bob's text."))
    definition_row = page[page.index("<th scope=\"row\">Definition"):]
    assert definition_row.split("</tr>")[0].count("differs") == 1
    name_row = page[page.index("<th scope=\"row\">Name"):]
    assert "differs" not in name_row.split("</tr>")[0]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_save_of_an_entry_deleted_meanwhile_is_refused(login_as, draft, headers):
    alice, bob = login_as("editor"), login_as("editor")
    assert alice.post("/draft/terms/mql/delete").status_code == 302
    response = save(bob, 1, headers)
    assert response.status_code == 404
    assert "There is no entry &#39;mql&#39; in Other terms of the draft" in html_of(response)
    if headers:
        assert response.headers["HX-Retarget"] == "#editing-messages" and "<html" not in html_of(response)
    assert entry_by_key(draft, "mql") is None and audit_actions() == ["entry.deleted"]


def race(app, entry_id, user_ids, revision=1):
    """Every user saves the same entry from the same revision at the same moment."""
    barrier = threading.Barrier(len(user_ids))
    outcomes = {}

    def attempt(user_id):
        with app.app_context():
            try:
                entry = db.session.get(Entry, entry_id)
                user = db.session.get(User, user_id)
                data = {"key": entry.key, "name": f"Saved by {user.name} from {revision}", "team": entry.team,
                        "definition": entry.definition, "fields": dict(entry.fields)}
                barrier.wait(timeout=10)
                with transaction():
                    update_entry(entry, data, revision, by=user)
                outcomes[user_id] = "saved"
            except StaleEntryError as conflict:
                outcomes[user_id] = f"stale at {conflict.current.revision}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_saves_from_the_same_revision_cannot_both_win(app, draft, make_user, writers):
    users = [make_user("editor", name=f"Editor {n}") for n in range(writers)]
    entry_id = entry_by_key(draft, "mql").id
    for round_number in range(1, 4):
        outcomes = race(app, entry_id, [u.id for u in users], revision=round_number)
        assert len(outcomes) == writers
        assert sorted(outcomes.values()) == ["saved"] + [f"stale at {round_number + 1}"] * (writers - 1)
        winner = next(uid for uid, outcome in outcomes.items() if outcome == "saved")
        entry = entry_by_key(draft, "mql")
        assert entry.revision == round_number + 1 and entry.updated_by_id == winner
        assert entry.name == f"Saved by {db.session.get(User, winner).name} from {round_number}"
    assert audit_actions() == ["entry.changed"] * 3


def test_two_clients_saving_at_once_one_wins_and_the_other_sees_the_conflict(login_as, draft):
    clients = [login_as("editor", name="Alice"), login_as("editor", name="Bob")]
    barrier = threading.Barrier(len(clients))
    statuses = {}

    def post(client, name):
        data = valid_post("terms", key="mql", name="Marketing qualified lead", revision="1", related=["sql"],
                          definition=f"Written by {name}.")
        barrier.wait(timeout=10)
        response = client.post(URL, data=data)
        statuses[name] = (response.status_code, html_of(response))

    threads = [threading.Thread(target=post, args=(client, client.user.name)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(code for code, _page in statuses.values()) == [302, 409]
    winner = next(name for name, (code, _page) in statuses.items() if code == 302)
    loser_page = next(page for code, page in statuses.values() if code == 409)
    assert f"Written by {winner}." in loser_page and "Overwrite with mine" in loser_page
    entry = entry_by_key(draft, "mql")
    assert entry.definition == f"Written by {winner}." and entry.revision == 2
    assert audit_actions() == ["entry.changed"]
