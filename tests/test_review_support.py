"""Fixtures shared by the review tests: people of each role, 1.0.0 and a draft that changes it."""
import re

import pytest

from app.sla.document import content_hash
from app.versions.services import open_draft, submit_version
from tests.conftest import sign_in
from tests.factories import make_entry, make_published

HX = {"HX-Request": "true"}


@pytest.fixture
def people(make_user):
    return {
        "reader": make_user("reader", team="marketing", name="Rita Reader"),
        "editor": make_user("editor", team="marketing", name="Eddie Editor"),
        "sales_editor": make_user("editor", team="sales", name="Sam Sales-Editor"),
        "marketing": make_user("approver", team="marketing", name="Mara Marketing"),
        "marketing2": make_user("approver", team="marketing", name="Max Marketing"),
        "sales": make_user("approver", team="sales", name="Sol Sales"),
        "cs": make_user("approver", team="customer-success", name="Cas Success"),
        "admin": make_user("admin", team="sales", name="Ada Admin"),
    }


def published_entries():
    return [make_entry("lifecycle_stages", "mql", name="Marketing Qualified Lead", position=3,
                       owner_team="marketing", entry_criteria="Engaged twice in 30 days.", score_threshold=50),
            make_entry("terms", "icp-fit", name="ICP fit", definition="A company that matches the ICP.")]


@pytest.fixture
def current(db):
    return make_published(published_entries(), number="1.0.0")


@pytest.fixture
def draft(db, current, people):
    """A draft raising the MQL threshold from 50 to 60, saved by the marketing editor."""
    version = open_draft(by=people["editor"])
    mql = next(e for e in version.entries if e.key == "mql")
    mql.fields = {**mql.fields, "score_threshold": 60}
    mql.updated_by_id = people["editor"].id
    db.session.commit()
    return version


@pytest.fixture
def in_review(draft, people):
    return submit_version(draft, by=people["editor"])


def client_for(app, user):
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


def approve_data(version) -> dict:
    return {"content_hash": content_hash(version)}


def text(response) -> str:
    return response.get_data(as_text=True)


def flashes(client) -> str:
    """The flash messages the next page shows."""
    page = text(client.get("/review"))
    found = re.search(r'<section class="flashes".*?</section>', page, re.S)
    return found.group(0) if found else ""
