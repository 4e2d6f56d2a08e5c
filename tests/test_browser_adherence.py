"""In Chromium: an admin uploads a CRM export on /data, watches the import's progress, opens /adherence,
drills into the commitment that was missed and follows a lead's link to its CRM record."""
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from app.admin.services import create_user
from app.transactions import transaction
from tests.conftest import PASSWORD, sign_in_page
from tests.factories import make_published
from tests.test_adherence import sla

pytestmark = pytest.mark.browser


class _Record(BaseHTTPRequestHandler):
    """A stand-in CRM: /contacts/<id> is that contact's record."""

    def do_GET(self):
        body = f"<!doctype html><title>CRM</title><h1>Contact {self.path.rsplit('/', 1)[-1]}</h1>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def crm():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def last_month_csv(rows: int = 400) -> str:
    """SQLs of last month in Bangkok office hours: most called within the hour, lead-17 never called,
    and enough rows that the import takes several batches."""
    first = (datetime.now(timezone.utc).replace(day=1) - timedelta(days=20)).replace(hour=3, minute=0, second=0,
                                                                                  microsecond=0)
    lines = ["source_event_id,lead_external_id,kind,value,channel,occurred_at"]
    for index in range(rows):
        day = first + timedelta(days=index % 5, minutes=index)
        lines.append(f"s{index},lead-{index},stage_entered,sql,,{day.isoformat()}")
        if index != 17:
            lines.append(f"c{index},lead-{index},connect_attempt,no-answer,call,{(day + timedelta(minutes=30)).isoformat()}")
    return "\n".join(lines) + "\n"


def test_an_admin_imports_leads_and_follows_a_missed_commitment_to_the_crm(page, live_server, crm, tmp_path):
    live_server.app.config["ACCORD_CRM_RECORD_URL"] = crm + "/contacts/{external_id}"
    with live_server.app.app_context(), transaction():
        create_user("ada@example.com", "Ada Admin", "marketing", "admin", PASSWORD)
        make_published(sla(within=4, share=1.0), published_at=datetime(2026, 1, 1))
    export = tmp_path / "hubspot-sqls.csv"
    export.write_text(last_month_csv())
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in_page(page, "ada@example.com")

    page.goto("/data")
    page.get_by_label("CSV file").set_input_files(str(export))
    page.get_by_label("Format").select_option("accord")
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("progressbar", name="Progress")).to_be_visible()
    expect(page.locator(".import-status")).to_have_text("imported", timeout=30_000)  # polled by htmx
    expect(page.locator(".import-accepted")).to_have_text("799")

    page.get_by_role("link", name="See adherence").click()
    card = page.locator("#commitment-sql-follow-up")  # last month's bar on its chart is the missed one
    expect(card.locator("svg.adherence-chart rect.bar.missed")).to_have_count(1)
    card.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    breaches = page.locator("table.adherence-breaches")
    expect(breaches).to_contain_text("No connect attempt before the deadline.")
    with page.context.expect_page() as record:
        breaches.get_by_role("link", name="lead-17").click()
    expect(record.value.get_by_role("heading", name="Contact lead-17")).to_be_visible()
    assert errors == []
