"""Shared by the API and webhook tests: a complete SLA, published versions, tokens, a receiving server."""
import hashlib
import hmac
import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.api.tokens import create_token
from app.extensions import db
from app.models import WebhookDelivery
from app.versions.services import approve_version, submit_version
from app.webhooks.sender import wait_for_background
from tests.factories import make_draft, make_entry, make_published


def sla_entries(mql_threshold=50, drop=(), **changes) -> list:
    """Unsaved entries filling every section with complete, valid values."""
    entries = [
        make_entry("commitments", "mql-delivery", "MQL delivery", metric="MQLs delivered", target=120,
                   unit="leads", period="month", from_team="marketing", to_team="sales"),
        make_entry("commitments", "mql-follow-up", "MQL follow-up", team="sales", metric="Hours to first touch",
                   target=24, unit="hours", period="day", from_team="sales", to_team="marketing"),
        make_entry("icp", "mid-market-manufacturers", "Mid-market manufacturers", criteria=[
            {"attribute": "industry", "operator": "equals", "value": "Manufacturing"},
            {"attribute": "employees", "operator": "gte", "value": 200}]),
        make_entry("personas", "ops-olivia", "Operations Olivia", job_titles=["Head of Operations"],
                   goals=["Fewer stock-outs"], pains=["Spreadsheets"], objections=["Price"], channels=["LinkedIn"],
                   icp="mid-market-manufacturers"),
        *[make_entry("buyer_journey", key, key.title(), position=i, buyer_questions=["Why?"], content=["Guide"],
                     exit_signal="Asks for more") for i, key in enumerate(("awareness", "consideration", "decision"), 1)],
        make_entry("lifecycle_stages", "subscriber", "Subscriber", position=1, owner_team="marketing",
                   entry_criteria="Subscribed to the blog."),
        make_entry("lifecycle_stages", "lead", "Lead", position=2, owner_team="marketing",
                   entry_criteria="Gave contact details.", score_threshold=10),
        make_entry("lifecycle_stages", "mql", "Marketing Qualified Lead", position=3, owner_team="marketing",
                   definition="A lead **marketing** has nurtured until it is [sales-ready](https://example.com/x).",
                   entry_criteria="Reached the MQL score.", exit_criteria="Accepted by sales.",
                   score_threshold=mql_threshold),
        make_entry("lifecycle_stages", "sql", "Sales Qualified Lead", position=4, team="sales", owner_team="sales",
                   entry_criteria="Sales accepted it.", score_threshold=80),
        make_entry("lifecycle_stages", "opportunity", "Opportunity", position=5, team="sales", owner_team="sales",
                   entry_criteria="A deal is opened."),
        make_entry("lifecycle_stages", "customer", "Customer", position=6, team="sales", owner_team="sales",
                   entry_criteria="Signed."),
        make_entry("lead_types", "new-prospect", "New prospect", routing="SDR team", journey_notes="Full journey."),
        make_entry("deal_stages", "discovery", "Discovery", team="sales", position=1, probability=0.1),
        make_entry("deal_stages", "quote-presented", "Quote presented", team="sales", position=2, probability=0.6,
                   definition="The quote is *with the buyer* & awaiting an answer."),
        make_entry("deal_stages", "closed-won", "Closed won", team="sales", position=3, probability=1,
                   is_closed=True, is_won=True),
        make_entry("deal_stages", "closed-lost", "Closed lost", team="sales", position=4, probability=0,
                   is_closed=True),
        make_entry("lead_statuses", "new", "New", team="sales", owner_team="sales", lifecycle_stages=["lead"],
                   position=1),
        make_entry("lead_statuses", "attempting", "Attempting", team="sales", owner_team="sales",
                   lifecycle_stages=["lead", "mql"], position=2),
        make_entry("lead_statuses", "returned-not-ready", "Returned – not ready", team="sales", owner_team="sales",
                   lifecycle_stages=["sql"], returns_to="marketing", position=3),
        make_entry("lead_statuses", "converted", "Converted", team="sales", owner_team="sales",
                   lifecycle_stages=["opportunity"], position=4),
        make_entry("lead_scoring", "fit-industry", "Target industry", kind="fit", field="industry", operator="in",
                   value="Manufacturing, Logistics", points=20),
        make_entry("lead_scoring", "fit-size", "Company size", kind="fit", field="employees", operator="gte",
                   value="200", points=15),
        make_entry("lead_scoring", "fit-title", "Senior title", kind="fit", field="title", operator="contains",
                   value="head", points=10),
        make_entry("lead_scoring", "fit-student", "Student", kind="fit", field="segment", operator="equals",
                   value="student", points=-25),
        make_entry("lead_scoring", "engaged-demo", "Asked for a demo", kind="engagement", field="demo_request",
                   operator="exists", value="", points=30),
        make_entry("lead_scoring", "engaged-pricing", "Pricing page visits", kind="engagement",
                   field="pricing_page_view", operator="gte", value="3", points=10),
        make_entry("connect_attempts", "day-1-call", "Day 1 call", team="sales", position=1, day=1, channel="call",
                   counts_as_connect=True),
        *[make_entry("connect_outcomes", key, key.replace("-", " ").capitalize(), team="sales", position=i,
                     counts_as_connect=connect)
          for i, (key, connect) in enumerate((("no-answer", False), ("conversation", True)), 1)],
        make_entry("calendars", "bangkok-office", "Bangkok office hours", team="sales", timezone="Asia/Bangkok",
                   workdays=["mon", "tue", "wed", "thu", "fri"], start="09:00", end="18:00",
                   holidays=["2026-12-05", "2026-12-10", "2026-12-31"]),
        make_entry("terms", "sla", "Service level agreement", synonyms=["SLA", "service agreement"],
                   related=["mql"]),
    ]
    for entry in entries:
        if entry.key in changes:
            for name, value in changes[entry.key].items():
                if hasattr(entry, name) and name != "fields":
                    setattr(entry, name, value)
                else:
                    entry.fields = {**entry.fields, name: value}
    return [e for e in entries if e.key not in drop]


@pytest.fixture
def published(app, make_user):
    """Version 1.0.0 of the complete SLA, signed by marketing and sales."""
    approvers = [make_user("approver", "marketing"), make_user("approver", "sales")]
    return make_published(sla_entries(), number="1.0.0", approvers=approvers)


@pytest.fixture
def token(app):
    """A fresh token's plaintext, committed as the admin page would."""
    plaintext = create_token("test tool")[1]
    db.session.commit()
    return plaintext


@pytest.fixture
def auth(token):
    return {"Authorization": f"Bearer {token}"}


class Receiver:
    """A real HTTP server on 127.0.0.1 that records each POST and answers with scripted statuses."""

    def __init__(self, statuses=(), delay: float = 0):
        self.requests: queue.Queue = queue.Queue()
        self.statuses = list(statuses)
        self.delay = delay
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                if receiver.delay:
                    threading.Event().wait(receiver.delay)
                receiver.requests.put({"headers": dict(self.headers), "body": body, "path": self.path})
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/accord"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next(self, timeout: float = 10) -> dict:
        return self.requests.get(timeout=timeout)

    def received(self) -> list:
        items = []
        while not self.requests.empty():
            items.append(self.requests.get_nowait())
        return items

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def body_json(response):
    return json.loads(response.data)


# --- webhooks ---------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _join_background_sends():
    yield
    wait_for_background(timeout=15)


@pytest.fixture
def manual(app):
    """Deliveries are sent only when the test runs the sender."""
    app.config["WEBHOOKS_DELIVER_AFTER_PUBLISH"] = False
    return app


def publish(make_user, entries=None):
    """Publish through the real life cycle: draft, submit, both teams approve."""
    draft = make_draft(entries if entries is not None else sla_entries())
    submit_version(draft, make_user("editor"))
    approve_version(draft, make_user("approver", "marketing"))
    approve_version(draft, make_user("approver", "sales"))
    assert draft.state == "published"
    return draft


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does (the README shows the same few lines)."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def deliveries():
    return db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
