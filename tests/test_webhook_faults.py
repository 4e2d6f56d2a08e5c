"""One bad receiver or one failed write costs one attempt, never the batch or the worker (both databases)."""
import socketserver
import threading

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from app.models import WebhookAttempt
from app.webhooks import sender
from app.webhooks.sender import NOT_STORED, deliver_due, storable_text
from app.webhooks.services import create_webhook
from tests.test_api_support import (  # noqa: F401  (fixtures)
    Receiver, _join_background_sends, deliveries, manual, publish,
)

SECRET = "a-shared-secret-of-some-length"
NUL_REPLY = (b"HTTP/1.1 500 Internal\x00Error\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n"
             b"Connection: close\r\n\r\nbad\x00reply")


@pytest.fixture
def app_config(app_config):
    """The receivers listen on 127.0.0.1."""
    return {**app_config, "ACCORD_WEBHOOK_ALLOW_PRIVATE": True}


class RawReceiver:
    """A TCP server on 127.0.0.1 that reads one HTTP request and answers with exactly `reply`."""

    def __init__(self, reply: bytes):
        self.requests: list[bytes] = []
        receiver = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    line = self.rfile.readline()
                    if not line:
                        return
                    head += line
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                receiver.requests.append(head + self.rfile.read(length))
                self.wfile.write(reply)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def servers():
    """A receiver answering with NUL bytes, then two ordinary ones: their deliveries share a batch."""
    made = [RawReceiver(NUL_REPLY), Receiver(), Receiver()]
    yield made
    for server in made:
        server.close()


def test_a_reply_with_nul_bytes_is_counted_and_the_batch_goes_on(manual, db, make_user, servers):
    for server in servers:
        create_webhook(server.url, SECRET)
    publish(make_user)
    assert deliver_due() == 3
    assert len(servers[0].requests) == 1
    assert len(servers[1].received()) == 1 and len(servers[2].received()) == 1, "the rest of the batch was sent"
    db.session.expire_all()
    nul, *others = deliveries()
    assert [(d.status, d.attempts) for d in others] == [("delivered", 1), ("delivered", 1)]
    assert (nul.status, nul.attempts) == ("pending", 1), "the attempt is counted: no endless reclaiming"
    (attempt,) = nul.attempt_log
    assert attempt.status_code == 500 and attempt.error == "HTTP 500 Internal Server Error"


def test_a_failed_write_of_an_attempt_still_counts_it(manual, db, make_user, servers):
    """Whatever makes the write fail, the attempt is stored again without its details."""
    for server in servers:
        create_webhook(server.url, SECRET)
    publish(make_user)
    session, failures = db.session(), []

    def fail_first_write(flushing, *_):
        if not failures and any(isinstance(row, WebhookAttempt) for row in flushing.new):
            failures.append(True)
            raise OperationalError("INSERT INTO webhook_attempts", {}, Exception("the write was refused"))

    event.listen(session, "before_flush", fail_first_write)
    try:
        assert deliver_due() == 3
    finally:
        event.remove(session, "before_flush", fail_first_write)
    assert failures, "the write did fail once"
    db.session.expire_all()
    rows = deliveries()
    assert [d.attempts for d in rows] == [1, 1, 1]
    assert rows[0].attempt_log[0].error == NOT_STORED
    assert [d.status for d in rows[1:]] == ["delivered", "delivered"]


def test_a_receiver_that_is_not_http_is_a_counted_failure(manual, db, make_user):
    server = RawReceiver(b"-ERR unknown command 'POST'\r\n")
    try:
        create_webhook(server.url, SECRET)
        publish(make_user)
        assert deliver_due() == 1
        (row,) = deliveries()
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.attempt_log[0].error == "No answer: the reply was not valid HTTP."
    finally:
        server.close()


@pytest.mark.parametrize("text, stored", [
    ("plain", "plain"), ("nul\x00byte", "nul byte"), ("bell\x07 and\r\nnewline", "bell  and  newline"),
    ("lone \udcff surrogate", "lone ? surrogate"), ("ไทย ✓", "ไทย ✓"), (None, None),
])
def test_stored_text_has_no_characters_a_database_refuses(text, stored):
    assert storable_text(text) == stored


def test_stored_text_is_bounded():
    assert len(storable_text("x" * 10_000)) == sender.ERROR_MAX


def test_every_stored_attempt_text_is_storable(manual, db, make_user, monkeypatch):
    """Even an error text that slips through unsanitised reaches the database cleaned."""
    server = Receiver(statuses=[500])
    try:
        create_webhook(server.url, SECRET)
        publish(make_user)
        original = sender.post
        monkeypatch.setattr(sender, "post", lambda *args: (original(*args)[0], "refused \x00 by it " + "y" * 5000))
        assert deliver_due() == 1
        error = db.session.scalar(select(WebhookAttempt.error))
        assert "\x00" not in error and len(error) <= sender.ERROR_MAX
    finally:
        server.close()


# --- the worker ----------------------------------------------------------------------------

class Stop(Exception):
    """Ends the worker's endless loop in a test."""


def test_the_worker_survives_a_failed_pass(manual, runner, db, make_user, monkeypatch):
    passes, sleeps = [], []

    def flaky_pass(*_args, **_kwargs):
        passes.append(True)
        if len(passes) == 1:
            raise OperationalError("SELECT webhook_deliveries", {}, Exception("server closed the connection"))
        return 2

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise Stop

    monkeypatch.setattr(sender, "deliver_due", flaky_pass)
    monkeypatch.setattr(sender.time, "sleep", sleep)
    result = runner.invoke(args=["webhooks", "deliver", "--interval", "0.5"])
    assert isinstance(result.exception, Stop), result.output
    assert len(passes) == 2 and sleeps == [0.5, 0.5]
    failed = [line for line in result.output.splitlines() if "pass failed" in line]
    assert len(failed) == 1 and "OperationalError" in failed[0] and "trying again in 0.5 s" in failed[0]
    assert "Tried 2 webhook deliveries." in result.output


def test_a_single_failed_pass_exits_with_an_error(manual, runner, monkeypatch):
    """`--once` (from cron, say) reports the failure in its exit status as well as in one line."""
    def failing_pass(*_args, **_kwargs):
        raise OperationalError("SELECT webhook_deliveries", {}, Exception("connection refused\nmore detail"))

    monkeypatch.setattr(sender, "deliver_due", failing_pass)
    result = runner.invoke(args=["webhooks", "deliver", "--once"])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line] == [
        "Webhook delivery pass failed (OperationalError: (builtins.Exception) connection refused)."]
