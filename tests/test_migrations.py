"""The migration chain upgrades an empty database, downgrades to base and upgrades again."""
import uuid

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from tests.conftest import TEST_DATABASE_URL, _driver_url




def test_upgrade_downgrade_upgrade_on_an_empty_database(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        tables = set(inspect(db.engine).get_table_names())
        assert {m.name for m in db.metadata.sorted_tables} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(revision="heads")
        assert {m.name for m in db.metadata.sorted_tables} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_models_and_migrations_agree(empty_database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
