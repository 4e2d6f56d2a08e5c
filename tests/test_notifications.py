"""Mail on submit, send-back and publish: over real SMTP, to the log without a server, never blocking."""
import logging
import re
import socketserver
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from flask_babel import force_locale

from app import notifications
from app.i18n import format_datetime
from app.models import Version
from app.versions.services import open_draft
from tests.factories import make_entry, make_published


# --- a small SMTP server, standard library only ----------------------------------------------

class SMTPHandler(socketserver.StreamRequestHandler):
    """Speaks enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""
    timeout = 10

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        mode = self.server.mode
        if mode == "silent":
            self.server.connected.set()
            self.server.release.wait(60)  # the fixture releases it at teardown
            return
        if mode == "refuse":
            self.reply("554 no service here")
            return
        self.reply("220 test.example ESMTP")
        sender, recipients = None, []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-test.example")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 test.example")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(" <>").split(">")[0], []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = b"".join(iter(lambda: self.rfile.readline(), b".\r\n"))
                self.server.messages.append({"from": sender, "to": recipients,
                                             "message": message_from_bytes(data, policy=default_policy)})
                self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode="ok"):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.mode, self.messages = mode, []
        self.connected, self.release = threading.Event(), threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def wait_for(self, count: int, timeout: float = 30) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)  # anything beyond `count` would show up now
        return self.messages


@pytest.fixture
def smtp_server(request):
    server = SMTPServer(getattr(request, "param", "ok"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def mail_to(app, smtp_server):
    """Point the app at the test SMTP server."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False,
                      MAIL_DEFAULT_SENDER="accord@example.com", MAIL_TIMEOUT=2)
    return smtp_server


def wait_until(condition, timeout=30.0) -> bool:
    """Poll until `condition` holds; the long timeout only matters on a failure or a very busy machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


# --- the people and the version ----------------------------------------------------------------

@pytest.fixture
def people(make_user):
    return {
        "editor": make_user("editor", team="marketing", email="editor@example.com"),
        "other_editor": make_user("editor", team="sales", email="other-editor@example.com"),
        "idle_editor": make_user("editor", team="sales", email="idle-editor@example.com"),
        "gone_editor": make_user("editor", team="sales", email="gone@example.com", active=False),
        "marketing": make_user("approver", team="marketing", email="head-marketing@example.com"),
        "sales": make_user("approver", team="sales", email="head-sales@example.com"),
        "sales_admin": make_user("admin", team="sales", email="admin-sales@example.com"),
        "retired": make_user("approver", team="sales", email="retired@example.com", active=False),
        "cs": make_user("approver", team="customer-success", email="head-cs@example.com"),
        "reader": make_user("reader", team="marketing", email="reader@example.com"),
    }


@pytest.fixture
def draft(db, people):
    """1.0.0 published; a draft raising the MQL threshold, saved by two editors (one since gone)."""
    make_published([make_entry("lifecycle_stages", "mql", name="Marketing Qualified Lead", position=3,
                               owner_team="marketing", entry_criteria="Engaged twice.", score_threshold=50),
                    make_entry("terms", "icp-fit", name="ICP fit")])
    version = open_draft(by=people["editor"])
    entries = {e.key: e for e in version.entries}
    entries["mql"].fields = {**entries["mql"].fields, "score_threshold": 60}
    entries["mql"].updated_by_id = people["editor"].id
    entries["icp-fit"].definition = "Fits the ICP well."
    entries["icp-fit"].updated_by_id = people["gone_editor"].id
    from app.audit import record_event
    record_event("entry.updated", user=people["other_editor"], version=version, entry_key="icp-fit",
                 summary="Reworded", before={"definition": "x"}, after={"definition": "y"})
    db.session.commit()
    return version


def client_for(app, user):
    from tests.conftest import sign_in
    client = app.test_client()
    sign_in(client, user)
    return client


def submit(app, user, version):
    return client_for(app, user).post(f"/review/{version.id}/submit")


def approve(app, user, version):
    from app.sla.document import content_hash
    return client_for(app, user).post(f"/review/{version.id}/approve",
                                      data={"content_hash": content_hash(version)})


def recipients(messages) -> set[str]:
    return {address for item in messages for address in item["to"]}


# --- the tests -----------------------------------------------------------------------------------

def test_submit_mails_the_active_approvers_of_required_teams_over_smtp(app, mail_to, draft, people):
    assert submit(app, people["editor"], draft).status_code == 302
    messages = mail_to.wait_for(3)
    assert recipients(messages) == {"head-marketing@example.com", "head-sales@example.com",
                                    "admin-sales@example.com"}
    assert len(messages) == 3, "one message each, and receivers are connected once"
    mail = next(m["message"] for m in messages if m["to"] == ["head-sales@example.com"])
    assert mail["From"] == "accord@example.com" and mail["To"] == "head-sales@example.com"
    assert "awaits your approval" in mail["Subject"]
    body = mail.get_content()
    assert people["editor"].name in body and "1.1.0" in body and "approve for Sales" in body
    assert "http://localhost/review" in body


THAI = re.compile("[\u0e00-\u0e7f]")


def thai_and_english_approvers(db, people):
    """The marketing approver reads Thai in Bangkok; the sales approver chose nothing (the portal's English, UTC)."""
    people["marketing"].locale, people["marketing"].timezone = "th", "Asia/Bangkok"
    people["sales_admin"].locale = "en"
    db.session.commit()


def formatted(app, moment, language, zone) -> str:
    with app.app_context(), force_locale(language):
        return format_datetime(moment, zone=zone)


def test_each_recipient_reads_the_mail_in_their_own_language_and_zone(app, db, mail_to, draft, people):
    thai_and_english_approvers(db, people)
    # The submitter's own request is in Thai: the mail follows each recipient, not the request.
    response = client_for(app, people["editor"]).post(f"/review/{draft.id}/submit",
                                                      headers={"Accept-Language": "th"})
    assert response.status_code == 302
    mails = {m["to"][0]: m["message"] for m in mail_to.wait_for(3)}
    submitted_at = db.session.get(Version, draft.id).submitted_at

    thai = mails["head-marketing@example.com"]
    assert THAI.search(thai["Subject"]) and "awaits your approval" not in thai["Subject"]
    body = thai.get_content()
    assert THAI.search(body) and "Hello" not in body and "1.1.0" in body and "http://localhost/review" in body
    assert formatted(app, submitted_at, "th", "Asia/Bangkok") in body  # Buddhist era, Bangkok time
    assert formatted(app, submitted_at, "th", "UTC") not in body

    for address in ("head-sales@example.com", "admin-sales@example.com"):
        english = mails[address]
        assert "awaits your approval" in english["Subject"] and not THAI.search(english["Subject"])
        body = english.get_content()
        assert not THAI.search(body) and body.startswith("Hello ") and "(a minor change)" in body
        assert formatted(app, submitted_at, "en", "UTC") in body


def test_without_a_language_of_their_own_people_get_the_portal_default(app, db, draft, people, caplog):
    app.config.update(MAIL_SERVER="", ACCORD_DEFAULT_LOCALE="th", ACCORD_TIMEZONE="Asia/Bangkok")
    people["sales_admin"].locale = "en"
    db.session.commit()
    caplog.set_level(logging.INFO, logger="accord.mail")
    assert submit(app, people["editor"], draft).status_code == 302
    lines = {line.split(":", 1)[0]: line for line in
             (r.getMessage() for r in caplog.records if r.name == "accord.mail")}
    assert THAI.search(lines["Mail not sent (MAIL_SERVER is not set) to head-sales@example.com"])
    assert not THAI.search(lines["Mail not sent (MAIL_SERVER is not set) to admin-sales@example.com"])


def test_required_teams_follow_the_policy(app, mail_to, draft, people):
    from app.versions.policy import set_policy
    set_policy(["customer-success"], False, by=people["sales_admin"])
    submit(app, people["editor"], draft)
    assert recipients(mail_to.wait_for(1)) == {"head-cs@example.com"}


def test_send_back_mails_editors_and_submitter_with_the_reason(app, mail_to, draft, people):
    submit(app, people["other_editor"], draft)
    mail_to.wait_for(3)
    mail_to.messages.clear()
    response = client_for(app, people["sales"]).post(
        f"/review/{draft.id}/send-back", data={"reason": "The threshold needs the SDR team's view."})
    assert response.status_code == 302
    messages = mail_to.wait_for(2)
    assert recipients(messages) == {"editor@example.com", "other-editor@example.com"}
    body = messages[0]["message"].get_content()
    assert "The threshold needs the SDR team's view." in body
    assert people["sales"].name in body and "/draft" in body
    assert "sent back" in messages[0]["message"]["Subject"]


def test_publish_mails_editors_and_submitter(app, mail_to, draft, people):
    submit(app, people["idle_editor"], draft)
    mail_to.wait_for(3)
    mail_to.messages.clear()
    assert approve(app, people["marketing"], draft).status_code == 302
    assert approve(app, people["sales"], draft).status_code == 302
    messages = mail_to.wait_for(3)
    assert recipients(messages) == {"editor@example.com", "other-editor@example.com", "idle-editor@example.com"}
    assert all("1.1.0" in m["message"]["Subject"] and "published" in m["message"]["Subject"] for m in messages)
    assert "http://localhost/versions/1.1.0" in messages[0]["message"].get_content()


def test_without_a_mail_server_mail_goes_to_the_log(app, draft, people, caplog):
    app.config["MAIL_SERVER"] = ""
    caplog.set_level(logging.INFO, logger="accord.mail")
    assert submit(app, people["editor"], draft).status_code == 302
    lines = [r.getMessage() for r in caplog.records if r.name == "accord.mail"]
    assert len(lines) == 3
    assert any("head-marketing@example.com" in line and "awaits your approval" in line for line in lines)
    assert all("MAIL_SERVER is not set" in line for line in lines)


def test_links_use_the_configured_base_url(app, draft, people, caplog):
    # The test client asks for http://localhost; the base differs from it in scheme only (the Host must match).
    app.config.update(MAIL_SERVER="", ACCORD_BASE_URL="https://localhost")
    caplog.set_level(logging.INFO, logger="accord.mail")
    assert submit(app, people["editor"], draft).status_code == 302
    lines = [r.getMessage() for r in caplog.records if r.name == "accord.mail"]
    assert len(lines) == 3 and all("https://localhost/review" in line for line in lines)


def test_links_outside_a_request_use_the_base_url(app, draft, people, caplog):
    """A publish from the command line or a background job still mails a usable link."""
    app.config.update(MAIL_SERVER="", ACCORD_BASE_URL="https://accord.example.com")
    caplog.set_level(logging.INFO, logger="accord.mail")
    notifications.on_version_submitted(draft, by=people["editor"])
    lines = [r.getMessage() for r in caplog.records if r.name == "accord.mail"]
    assert len(lines) == 3 and all("https://accord.example.com/review" in line for line in lines)


def test_the_mail_log_reaches_a_handler_at_info():
    assert notifications.log.getEffectiveLevel() <= logging.INFO


@pytest.mark.parametrize("smtp_server", ["refuse"], indirect=True)
def test_a_refusing_mail_server_does_not_break_approving(app, mail_to, draft, people, caplog):
    caplog.set_level(logging.INFO, logger="accord.mail")
    submit(app, people["editor"], draft)
    assert approve(app, people["marketing"], draft).status_code == 302
    assert approve(app, people["sales"], draft).status_code == 302
    assert app.extensions["sqlalchemy"].session.get(Version, draft.id).number == "1.1.0"
    assert wait_until(lambda: sum("could not be sent" in r.getMessage() for r in caplog.records) >= 2)


def test_an_unreachable_mail_server_does_not_break_submitting(app, draft, people, caplog):
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, never listening: refused, and no other process can take the port
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sock.getsockname()[1])
        caplog.set_level(logging.INFO, logger="accord.mail")
        assert submit(app, people["editor"], draft).status_code == 302
        assert app.extensions["sqlalchemy"].session.get(Version, draft.id).state == "in_review"
        assert wait_until(lambda: any("ConnectionRefusedError" in r.getMessage() for r in caplog.records))


@pytest.mark.parametrize("smtp_server", ["silent"], indirect=True)
def test_a_silent_mail_server_does_not_block_the_request(app, mail_to, draft, people, caplog):
    """The submit is answered while the mail server still holds its connection without a word."""
    app.config["MAIL_TIMEOUT"] = 60  # a request that waited for the mail would still be waiting
    caplog.set_level(logging.INFO, logger="accord.mail")
    assert submit(app, people["editor"], draft).status_code == 302
    assert mail_to.connected.wait(30)
    assert not any("could not be sent" in r.getMessage() for r in caplog.records)  # not failed yet either
    mail_to.release.set()  # the server hangs up: the send fails, and is logged
    assert wait_until(lambda: any("could not be sent" in r.getMessage() for r in caplog.records))


@pytest.mark.parametrize("smtp_server", ["silent"], indirect=True)
def test_a_silent_mail_server_times_out_and_is_logged(app, mail_to, draft, people, caplog):
    app.config["MAIL_TIMEOUT"] = 0.5
    caplog.set_level(logging.INFO, logger="accord.mail")
    assert submit(app, people["editor"], draft).status_code == 302
    assert mail_to.connected.wait(30)
    assert wait_until(lambda: any("timed out" in r.getMessage() for r in caplog.records))
    assert not mail_to.release.is_set()  # the server was still silent: the timeout ended the send


def test_a_failure_while_composing_mail_is_logged_not_raised(app, draft, people, caplog, db):
    caplog.set_level(logging.INFO, logger="accord.mail")
    notifications.on_version_submitted(object(), by=people["editor"])  # not a version at all
    assert any("Could not prepare notification mail" in r.getMessage() for r in caplog.records)
    assert db.session.get(Version, draft.id).state == "draft"


def test_editors_are_those_who_saved_or_logged_entry_changes_and_the_submitter(app, draft, people):
    submit(app, people["idle_editor"], draft)
    emails = {u.email for u in notifications.version_editors(draft)}
    assert emails == {"editor@example.com", "other-editor@example.com", "idle-editor@example.com"}
