"""A database outage is not a flood of 500s: 503 with Retry-After (problem+json on the API, a page
of its own elsewhere), one log line per interval, the current document still served to tools from
memory, and recovery without a restart. On a PostgreSQL server of the test's own (stopped and
started again mid-test) and on a SQLite file that disappears and comes back."""
import glob
import logging
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from app import outage
from app.api import tokens
from app.api.tokens import create_token
from app.extensions import db as _db
from app.versions import published as published_module
from tests.conftest import _truncate_all, sign_in, upgrade_database
from tests.test_api_support import published, sla_entries  # noqa: F401


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnPostgres:
    """A PostgreSQL server in a temporary folder on a free port of 127.0.0.1 (never the shared one)."""

    def __init__(self, bin_dir: Path, base: Path, run_as: list[str]):
        self.bin_dir, self.base, self.run_as = bin_dir, base, run_as
        self.data, self.port = base / "data", _free_port()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start_on_a_free_port(self, attempts: int = 3) -> None:
        """Start, on another free port if a parallel test took this one since it was picked."""
        for attempt in range(attempts):
            try:
                self.start()
                return
            except subprocess.CalledProcessError:
                if attempt == attempts - 1:
                    raise
                self.port = _free_port()

    def _run(self, *args: str) -> None:
        subprocess.run([*self.run_as, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} -c fsync=off"
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "server.log"),
                  "-w", "-o", options, "start")

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


def _postgres_or_skip_reason() -> tuple[Path | None, list[str], str]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        return None, [], "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() != 0:
        return Path(found[-1]).parent, [], ""
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None, [], "initdb refuses root and there is no postgres user to run it as"
    if shutil.which("runuser") is None:
        return None, [], "initdb refuses root and runuser is not available"
    return Path(found[-1]).parent, ["runuser", "-u", "postgres", "--"], ""


@pytest.fixture(scope="module")
def own_postgres():
    bin_dir, run_as, reason = _postgres_or_skip_reason()
    if bin_dir is None:
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="accord-outage-pg-"))
    if run_as:
        shutil.chown(base, "postgres", "postgres")
    server = OwnPostgres(bin_dir, base, run_as)
    try:
        server.init()
        server.start_on_a_free_port()
        upgrade_database(server.url)
        yield server
        server.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


class SqliteOutage:
    """The database file disappears (a volume gone) and comes back."""

    def __init__(self, path: Path):
        self.path, self.away = path, path.with_suffix(".away")

    def stop(self) -> None:
        _db.session.remove()
        _db.engine.dispose()  # pooled connections hold the old file open
        self.path.rename(self.away)
        self.path.mkdir()  # a folder where the file was: opening it fails

    def start(self) -> None:
        self.path.rmdir()
        self.away.rename(self.path)


class PostgresOutage:
    def __init__(self, server: OwnPostgres):
        self.server = server

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server.start()


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request, tmp_path):
    if request.param == "postgresql":
        server = request.getfixturevalue("own_postgres")
        request.node.outage = PostgresOutage(server)
        yield server.url
        _truncate_all(server.url)
        return
    path = tmp_path / "accord.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    request.node.outage = SqliteOutage(path)
    yield f"sqlite:///{path}"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WEBHOOKS_DELIVER_AFTER_PUBLISH": False, "ACCORD_CURRENT_TTL": 1}


class Clock:
    """The monotonic clock of the memos, moved by the test."""

    def __init__(self):
        self.now = 10_000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    for module in (published_module, tokens, outage):
        monkeypatch.setattr(module, "time", fake)
    return fake


@pytest.fixture
def database(request, database_url):
    """Stop and start the test's database; started again whatever the test did."""
    switch = request.node.outage
    state = {"down": False}

    class Database:
        def stop(self):
            switch.stop()
            state["down"] = True

        def start(self):
            switch.start()
            state["down"] = False

    yield Database()
    if state["down"]:
        switch.start()


def test_an_outage_answers_503_serves_the_document_from_memory_and_recovers(
        app, client, published, make_user, clock, database, caplog):
    document, etag = published.document, f'"{published.sha256}"'
    tool = {"Authorization": f"Bearer {create_token('tool')[1]}"}
    unchecked = {"Authorization": f"Bearer {create_token('never used')[1]}"}
    reader = app.test_client()
    sign_in(reader, make_user("reader"))
    assert client.get("/api/v1/sla", headers=tool).data == document  # the worker confirms token and version
    assert reader.get("/").status_code == 200
    _db.session.remove()

    database.stop()
    clock.now += 60  # long past ACCORD_CURRENT_TTL: the memos ask the database, which is away
    with caplog.at_level(logging.INFO):
        served = client.get("/api/v1/sla", headers=tool)
        not_modified = client.get("/api/v1/sla", headers={**tool, "If-None-Match": etag})
        api = client.get("/api/v1/sla/versions", headers=tool)
        unknown_token = client.get("/api/v1/sla", headers=unchecked)
        page = reader.get("/")
        again = [client.get("/api/v1/sla/versions", headers=tool) for _ in range(5)]

    assert served.status_code == 200 and served.data == document and served.headers["ETag"] == etag
    assert not_modified.status_code == 304
    for response in (api, unknown_token, *again):
        assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
        assert response.mimetype == "application/problem+json" and response.json["status"] == 503
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
    assert page.mimetype == "text/html" and "back in a moment" in page.get_data(as_text=True)
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in logged] == ["accord.database"]  # one line for eight failures
    assert logged[0].exc_info is None and "503" in logged[0].getMessage()

    database.start()
    clock.now += 60
    with caplog.at_level(logging.INFO):
        assert client.get("/api/v1/sla/versions", headers=tool).status_code == 200
        assert client.get("/api/v1/sla", headers=unchecked).data == document
        assert reader.get("/").status_code == 200
    assert any("reachable again" in r.getMessage() for r in caplog.records if r.name == "accord.database")


def test_without_a_remembered_version_the_current_document_is_a_503_too(app, client, published, clock, database):
    tool = {"Authorization": f"Bearer {create_token('tool')[1]}"}
    _db.session.commit()  # as the admin page that creates it does
    _db.session.remove()
    database.stop()
    response = client.get("/api/v1/sla", headers=tool)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"].isdigit()
    database.start()
    assert client.get("/api/v1/sla", headers=tool).status_code == 200


def test_what_was_confirmed_long_before_the_last_database_read_is_not_honoured(
        app, client, published, clock, database):
    old = {"Authorization": f"Bearer {create_token('old')[1]}"}
    recent = {"Authorization": f"Bearer {create_token('recent')[1]}"}
    assert client.get("/api/v1/sla", headers=old).status_code == 200
    clock.now += 600  # the worker goes on reading the database for other tools
    assert client.get("/api/v1/sla", headers=recent).status_code == 200
    _db.session.remove()
    database.stop()
    clock.now += 60
    assert client.get("/api/v1/sla", headers=recent).status_code == 200
    assert client.get("/api/v1/sla", headers=old).status_code == 503
