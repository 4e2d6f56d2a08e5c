"""Sign-in throttling: counted per (account, address) pair and per address, in the database.

An attempt is counted before its password is checked, under a row lock, so parallel guesses
cannot all read a count below the limit. Up to the limit, tries go through at once; after it,
each further try from that pair (or address) waits a delay that doubles with every failure, up
to the window. A success takes its own count back and clears the pair, so the owner's right
password from an address where nobody else is guessing is never delayed by guesses elsewhere.
"""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, tuple_, update

from app.extensions import db
from app.models import LoginAttempt
from app.models.base import utcnow

ANY_ACCOUNT = ""  # the email of an address's row, which counts attempts at every account


@dataclass(frozen=True)
class Claim:
    """The attempt counted for one sign-in, to settle once its password has been checked."""
    email: str
    address: str
    at: datetime


class Throttled(Exception):
    """Too many failed sign-ins: try again after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def now() -> datetime:
    """The throttle's clock (tests move it instead of waiting)."""
    return utcnow()


def _limit(email: str) -> int:
    config = current_app.config
    return config["LOGIN_MAX_FAILURES_PER_ADDRESS"] if email == ANY_ACCOUNT else config["LOGIN_MAX_FAILURES"]


def delay_after(failures: int, limit: int) -> timedelta:
    """How long the next try waits after `failures` counted attempts: none below the limit, then
    LOGIN_DELAY_SECONDS doubling with each failure, never more than the window."""
    if failures < limit:
        return timedelta(0)
    config = current_app.config
    seconds = config["LOGIN_DELAY_SECONDS"] * 2 ** min(failures - limit, 32)
    return timedelta(seconds=min(seconds, config["LOGIN_WINDOW_SECONDS"]))


def _lock_rows(keys: list[tuple[str, str]], at: datetime) -> dict[tuple[str, str], LoginAttempt]:
    """Make sure both rows exist and lock them, in key order, until the commit."""
    insert = _insert_ignoring_duplicates()
    for email, address in keys:
        db.session.execute(insert.values(email=email, address=address, failures=0, at=at))
    rows = db.session.scalars(select(LoginAttempt).where(tuple_(LoginAttempt.email, LoginAttempt.address).in_(keys))
                              .order_by(LoginAttempt.email, LoginAttempt.address)
                              .with_for_update().execution_options(populate_existing=True)).all()
    return {(row.email, row.address): row for row in rows}


def _insert_ignoring_duplicates():
    """INSERT … ON CONFLICT DO NOTHING; on SQLite, as the first write it also takes the write lock."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(LoginAttempt).on_conflict_do_nothing(index_elements=["email", "address"])


def claim_attempt(email: str, address: str) -> Claim:
    """Count one sign-in attempt for this account and address, or raise Throttled; commits at
    once, so a refused attempt counts whatever happens to the request."""
    at = now()
    db.session.commit()  # ends the request's read-only transaction: the rows below are read fresh
    try:
        rows = _lock_rows(sorted({(email, address), (ANY_ACCOUNT, address)}), at)
        wait = max(_wait(row, at) for row in rows.values())
        if wait <= 0:
            for row in rows.values():
                row.failures += 1
                row.at = max(row.at, at)
            _forget_stale(at)
            db.session.commit()
            return Claim(email, address, at)
    finally:
        db.session.rollback()  # releases the locks when refused; a no-op after the commit
    raise Throttled(max(1, math.ceil(wait)))


def _wait(row: LoginAttempt, at: datetime) -> float:
    """Seconds before this row lets another attempt through (a quiet window starts a new streak)."""
    if at - row.at >= timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"]):
        row.failures = 0
        return 0.0
    limit = _limit(row.email)
    if row.failures < limit:  # also when a claim that read the clock later got the lock first
        return 0.0
    return (row.at + delay_after(row.failures, limit) - at).total_seconds()


def settle_success(claim: Claim) -> None:
    """The password was right: give the address its count back and forget the pair's streak (in
    the claim's key order, so the two never wait for each other's rows)."""
    db.session.execute(update(LoginAttempt)
                       .where(LoginAttempt.email == ANY_ACCOUNT, LoginAttempt.address == claim.address,
                              LoginAttempt.failures > 0)
                       .values(failures=LoginAttempt.failures - 1))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == claim.email,
                                                  LoginAttempt.address == claim.address))
    db.session.commit()


def _forget_stale(at: datetime) -> None:
    """Drop rows whose streak ended a window ago, so the table holds only live counts; rows that
    another attempt holds are skipped, never waited for."""
    window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    stale = (select(LoginAttempt.id).where(LoginAttempt.at < at - window)
             .with_for_update(skip_locked=True).scalar_subquery())
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(stale)))
