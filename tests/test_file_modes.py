"""Files that hold secrets are created readable by their owner only, whatever the umask."""
import os
import stat

import pytest
from sqlalchemy import text

from app import create_app
from app.config import development_secret_key
from app.extensions import db


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_development_secret_key_is_private(tmp_path, open_umask):
    instance = tmp_path / "instance"
    key = development_secret_key(instance)
    assert len(key) == 64 and mode(instance / "dev-secret-key") == 0o600
    assert mode(instance) == 0o700
    assert development_secret_key(instance) == key, "made once, then read"


def test_a_new_sqlite_database_file_is_private(tmp_path, open_umask):
    path = tmp_path / "instance" / "accord.db"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f"{path}{suffix}"):
                assert mode(f"{path}{suffix}") == 0o600, suffix
        db.engine.dispose()
    assert mode(path) == 0o600


def test_an_existing_database_file_is_left_as_it_is(tmp_path, open_umask):
    path = tmp_path / "shared.db"
    path.touch(mode=0o640)
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    assert mode(path) == 0o640
