"""While the database is unreachable: what a worker still answers from memory, and how it says so.

Rule: a worker keeps honouring what it had confirmed within ACCORD_CURRENT_TTL before its last
successful read of the database (the current version, API tokens), until the database answers
again. Publishing and revoking are database writes, so nothing it confirmed can change while the
database is away; what it may miss is a change made between its last read and the outage, which
is the same lag any worker has for ACCORD_CURRENT_TTL. Everything else answers 503 with
Retry-After, and the log gets one line per interval rather than a traceback per request.
"""
import logging
import threading
import time

from flask import current_app
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.config import current_ttl

# Connection refused or dropped, server shutting down, SQLite file unreadable or locked, pool exhausted.
DATABASE_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)
RETRY_AFTER_SECONDS = 5
LOG_INTERVAL_SECONDS = 30
STATE_KEY = "accord.outage"

log = logging.getLogger("accord.database")


def _log() -> logging.Logger:
    """The outage log, enabled again if a logging.config.fileConfig() in this process (Alembic's
    env.py runs one) disabled it."""
    log.disabled = False
    return log


class _State:
    """One app's (one worker's) view of the database."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last_reached = 0.0  # monotonic time of the last successful read that memos rely on
        self.since: float | None = None  # when this worker first failed to reach it, while it fails
        self.logged_at = 0.0
        self.unlogged = 0


def _state(app=None) -> _State:
    app = app or current_app
    state = app.extensions.get(STATE_KEY)
    return state if state is not None else app.extensions.setdefault(STATE_KEY, _State())


def reached_database() -> None:
    """A read succeeded: memos confirmed now may be honoured if the database goes away."""
    state = _state()
    state.last_reached = time.monotonic()
    if state.since is not None:
        with state.lock:
            if state.since is not None:
                _log().warning("Database reachable again after %.0f s.", time.monotonic() - state.since)
                state.since, state.unlogged = None, 0


def honours(confirmed_at: float) -> bool:
    """Whether something confirmed at `confirmed_at` may still be answered while the database is away."""
    state = _state()
    return confirmed_at > 0 and confirmed_at >= state.last_reached - current_ttl()


def database_unavailable(error: Exception) -> None:
    """Note a failed request: one log line per LOG_INTERVAL_SECONDS, counting the others."""
    state, now = _state(), time.monotonic()
    with state.lock:
        if state.since is None:
            state.since = now
        if now - state.logged_at < LOG_INTERVAL_SECONDS:
            state.unlogged += 1
            return
        state.logged_at, unlogged, state.unlogged = now, state.unlogged, 0
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
    _log().error("Database unreachable for %.0f s (%s: %s); answering 503 with Retry-After%s.",
              now - state.since, type(error).__name__, reason,
              f"; {unlogged} more failed request(s) since the last line" if unlogged else "")
