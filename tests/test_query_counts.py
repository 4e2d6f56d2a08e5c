"""What reads cost in queries: the current document and its 304 are served from per-worker memos,
version lists never load the frozen bytes, comparisons are memoised by the two hashes."""
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event, inspect

from app import create_app
from app.api.views import derived
from app.extensions import db as _db
from app.versions.published import forget_all
from app.versions.queries import list_versions
from tests.factories import make_published, publish_edit
from tests.test_api_support import published, sla_entries  # noqa: F401


@contextmanager
def recorded(engine):
    """The SQL statements run on `engine` inside the block."""
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def loads_document(statements: list[str]) -> list[str]:
    return [s for s in statements if "versions.document" in s]


@pytest.fixture
def public(app):
    app.config["ACCORD_PUBLIC_API"] = True
    forget_all()  # the caches keyed by hashes are per process: start each count from nothing
    derived.clear()


def test_current_document_is_one_light_query_then_none(app, client, db, published, public):
    with recorded(db.engine) as cold:
        first = client.get("/api/v1/sla")
    with recorded(db.engine) as warm:
        second = client.get("/api/v1/sla")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data == published.document
    assert len(cold) == 2 and "versions.state" in cold[0] and "document" not in cold[0]
    assert loads_document(cold) == [cold[1]] and "versions.id" in cold[1]  # bytes by primary key
    assert warm == []


def test_a_304_never_loads_the_bytes(app, client, db, published, public):
    headers = {"If-None-Match": f'"{published.sha256}"'}
    with recorded(db.engine) as cold:
        first = client.get("/api/v1/sla", headers=headers)
    with recorded(db.engine) as warm:
        second = client.get("/api/v1/sla", headers=headers)
    assert first.status_code == second.status_code == 304
    assert len(cold) == 1 and loads_document(cold) == []
    assert warm == []


def test_a_versioned_document_is_looked_up_once_per_worker(app, client, db, published, public):
    document, etag = published.document, f'"{published.sha256}"'
    client.get("/api/v1/sla/versions/1.0.0")
    with recorded(db.engine) as warm:
        response = client.get("/api/v1/sla/versions/1.0.0")
        not_modified = client.get("/api/v1/sla/versions/1.0.0", headers={"If-None-Match": etag})
    assert response.data == document and not_modified.status_code == 304
    assert warm == []


def test_a_ttl_of_zero_asks_the_database_every_time(app, client, db, published, public):
    app.config["ACCORD_CURRENT_TTL"] = 0
    client.get("/api/v1/sla")
    with recorded(db.engine) as statements:
        client.get("/api/v1/sla")
    assert len(statements) == 1 and loads_document(statements) == []


def test_the_publishing_worker_serves_the_new_version_at_once(app, client, published, public, approvers,
                                                               make_user):
    assert client.get("/api/v1/sla").json["version"] == "1.0.0"  # remembered for ACCORD_CURRENT_TTL
    publish_edit(make_user("editor"), approvers, "mql", score_threshold=60)
    response = client.get("/api/v1/sla")
    assert response.json["version"] == "1.1.0"
    assert response.headers["ETag"] != f'"{published.sha256}"'


def _other_worker(database_url: str, ttl: float):
    """A second app on the same database, as another gunicorn worker would build it."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "ACCORD_PUBLIC_API": True,
                       "ACCORD_CURRENT_TTL": ttl})


@pytest.fixture
def other_worker(database_url):
    made = []

    def make(ttl: float):
        made.append(_other_worker(database_url, ttl))
        return made[-1]

    yield make
    for worker in made:
        with worker.app_context():
            _db.session.remove()
            _db.engine.dispose()


def test_another_worker_lags_a_publish_until_its_memo_expires(app, published, public, approvers, make_user,
                                                              other_worker):
    other = other_worker(ttl=3600).test_client()
    assert other.get("/api/v1/sla").json["version"] == "1.0.0"
    publish_edit(make_user("editor"), approvers, "mql", score_threshold=60)
    assert other.get("/api/v1/sla").json["version"] == "1.0.0"  # the publish was in this worker, not that one
    assert other.get("/api/v1/sla/versions/1.1.0").json["version"] == "1.1.0"  # named versions never lag


def test_another_worker_sees_a_publish_once_its_memo_expires(app, published, public, approvers, make_user,
                                                             other_worker):
    ttl = 0.05
    other = other_worker(ttl=ttl).test_client()
    assert other.get("/api/v1/sla").json["version"] == "1.0.0"
    publish_edit(make_user("editor"), approvers, "mql", score_threshold=60)
    time.sleep(ttl * 1.5)
    assert other.get("/api/v1/sla").json["version"] == "1.1.0"


def test_listing_versions_never_loads_their_documents(app, db, published):
    make_published(sla_entries(mql_threshold=60), number="1.1.0")
    db.session.expunge_all()
    with recorded(db.engine) as statements:
        versions = list_versions(include_open=True)
    assert [v.number for v in versions] == ["1.1.0", "1.0.0"]
    assert len(statements) == 1 and loads_document(statements) == []
    assert all("document" in inspect(v).unloaded for v in versions)


@pytest.fixture
def two_versions(app, published):
    """1.0.0 and 1.1.0, both published (1.1.0 current)."""
    return published, make_published(sla_entries(mql_threshold=60), number="1.1.0")


def test_a_memoised_compare_reads_no_document_to_find_its_key(app, client, db, two_versions, public):
    path = "/api/v1/sla/compare?from=1.0.0&to=1.1.0"
    with recorded(db.engine) as cold:
        first = client.get(path)
    derived.clear()  # the JSON answer is rebuilt from the diff memoised by the two hashes
    with recorded(db.engine) as warm:
        second = client.get(path)
    assert first.status_code == 200 and second.data == first.data
    assert len(loads_document(cold)) == 2 and all("versions.id" in s for s in loads_document(cold))
    assert warm == []


def test_the_compare_page_shares_the_memo_with_the_api(app, db, login_as, two_versions, public):
    reader = login_as("reader")
    api = reader.get("/api/v1/sla/compare?from=1.0.0&to=1.1.0")
    with recorded(db.engine) as statements:
        page = reader.get("/compare?from=1.0.0&to=1.1.0")
    assert api.status_code == page.status_code == 200
    assert api.json["summary"]["changed"] == 1
    assert loads_document(statements) == []
    assert b"1 changed" in page.data


def _home_statements(db, reader) -> list[str]:
    reader.get("/")  # warm: the last change is memoised by the two hashes
    with recorded(db.engine) as statements:
        response = reader.get("/")
    assert response.status_code == 200
    return statements


def test_the_home_page_does_not_grow_with_the_history(app, db, login_as, two_versions, public):
    reader = login_as("reader")
    with_two = _home_statements(db, reader)
    for minor, threshold in ((2, 70), (3, 80)):
        make_published(sla_entries(mql_threshold=threshold), number=f"1.{minor}.0")
    with_four = _home_statements(db, reader)
    assert len(with_four) == len(with_two)
    assert loads_document(with_four) == []
    assert not [s for s in with_four if "FROM versions" in s and "WHERE" not in s]


def test_the_last_change_is_told_against_the_version_it_superseded(app, two_versions):
    from app.reading.services import agreement_for, current_agreement, last_change

    change = last_change(current_agreement())
    assert change.previous.number == "1.0.0" and change.summary["changed"] == 1
    assert last_change(agreement_for("1.0.0")) is None  # the first version has nothing before it


def _plans_on_versions(db, statements_with_params) -> list[str]:
    plans = []
    for statement, parameters in statements_with_params:
        if "FROM versions" not in statement or "versions.document" in statement:
            continue
        rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, tuple(parameters))
        plans.extend(row[-1] for row in rows if "versions" in row[-1])
    return plans


@pytest.mark.parametrize("path, headers", [
    ("/api/v1/sla", {}), ("/api/v1/sla/versions", {}), ("/glossary?q=lead", {"HX-Request": "true"}),
    ("/glossary", {}), ("/", {}),
])
def test_light_lookups_of_versions_never_read_the_row_holding_the_document(app, db, published, public, login_as,
                                                                           path, headers):
    """On SQLite the document is stored inline and sha256 follows it: reading the row walks its
    megabytes. Lookups by state are answered from the covering index ix_versions_state_refs."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps large values out of line (TOAST): reading a row never walks them")
    app.config["ACCORD_CURRENT_TTL"] = 0
    client = login_as("reader")
    client.get(path, headers=headers)  # warm: the document bytes are cached by their hash
    seen = []
    listener = lambda _c, _cu, statement, parameters, *_a: seen.append((statement, parameters))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(path, headers=headers).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    plans = _plans_on_versions(db, seen)
    assert plans, "the request looked a version up"
    assert all("COVERING INDEX" in plan or "PRIMARY KEY" in plan for plan in plans), plans
