"""API tokens: created once, stored as a SHA-256 hash; a check is trusted for ACCORD_CURRENT_TTL.

A worker remembers an active token for ACCORD_CURRENT_TTL seconds after checking it in the
database, so a tool polling several times a second costs one read per TTL; a revoked token is
refused by every worker within that time (at once by the worker that revoked it).
"""
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, or_, select, update

from app import outage
from app.audit import record_event
from app.cache import BoundedMemo
from app.config import current_ttl
from app.extensions import db
from app.models import ApiToken
from app.models.base import utcnow

TOKEN_PREFIX = "acc_"
DISPLAY_PREFIX_LENGTH = 12  # "acc_" and 8 random characters, enough to tell tokens apart
NAME_MAX = 100
READ = "read"
EVENTS_WRITE = "events:write"
SCOPES = (READ, EVENTS_WRITE)  # every token reads; events:write also sends lead events
# Writing last_used_at on every read would turn each GET into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token request the rules refuse."""


def hash_token(plaintext: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_token(name: str, by=None, scopes=(READ,)) -> tuple[ApiToken, str]:
    """Create a token for a tool (read, plus any other scope named); returns the row and the plaintext,
    which is never stored."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise TokenError(f"A token needs a name of 1 to {NAME_MAX} printable characters.")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise TokenError(f"Unknown scope '{unknown[0][:40]}'. Scopes: {', '.join(SCOPES)}.")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, prefix=plaintext[:DISPLAY_PREFIX_LENGTH], token_hash=hash_token(plaintext),
                     created_by_id=getattr(by, "id", None),
                     scopes=" ".join(scope for scope in SCOPES if scope == READ or scope in scopes))
    db.session.add(token)
    db.session.flush()
    record_event("token.created", user=by, summary=f"Created API token '{name}' ({token.prefix}…)",
                 after={"id": token.id, "name": name, "prefix": token.prefix, "scopes": token.scopes})
    db.session.flush()
    return token, plaintext


def revoke_token(token: ApiToken, by=None) -> ApiToken:
    """Revoke a token: the next request that presents it gets 401."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event("token.revoked", user=by, summary=f"Revoked API token '{token.name}' ({token.prefix}…)",
                     before={"id": token.id, "name": token.name, "prefix": token.prefix})
        db.session.flush()
        _checked().pop(token.token_hash)
    return token


def list_tokens() -> list[ApiToken]:
    """Every token, active ones first, newest first."""
    return db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                        ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def find_token(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


@dataclass(frozen=True)
class AuthenticatedToken:
    """The token a request presented (what the API needs of it, without an ORM object)."""
    id: int
    name: str
    scopes: frozenset = frozenset((READ,))


_TOKENS = ApiToken.__table__.c
# Built once: checked on every API request that presents a token (a plain Core statement).
_ACTIVE_BY_HASH = select(_TOKENS.id, _TOKENS.name, _TOKENS.last_used_at, _TOKENS.scopes).where(
    _TOKENS.token_hash == bindparam("token_hash"), _TOKENS.revoked_at.is_(None))


@dataclass(frozen=True)
class _Check:
    token: AuthenticatedToken
    until: float  # monotonic time until which this worker trusts the check
    at: float


TOKENS_REMEMBERED = 1_024
CHECKED_KEY = "accord.checked_tokens"


def _checked() -> BoundedMemo:
    """This app's (this worker's) remembered checks, by token hash."""
    memo = current_app.extensions.get(CHECKED_KEY)
    return memo if memo is not None else current_app.extensions.setdefault(CHECKED_KEY, BoundedMemo(TOKENS_REMEMBERED))


def authenticate_token(plaintext: str) -> AuthenticatedToken | None:
    """The active token with this plaintext, its use recorded (once a minute); None when unknown or
    revoked. Checked in the database at most once per ACCORD_CURRENT_TTL per worker."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    token_hash, now = hash_token(plaintext), time.monotonic()
    checked = _checked()
    held = checked.peek(token_hash)
    if held is not None and now < held.until:
        return held.token
    try:
        row = db.session.execute(_ACTIVE_BY_HASH, {"token_hash": token_hash}).first()
    except outage.DATABASE_ERRORS:
        if held is not None and outage.honours(held.at):
            return held.token
        raise
    outage.reached_database()
    if row is None:
        checked.pop(token_hash)
        return None
    wall = utcnow()
    if not _use_recorded(row.last_used_at, wall):
        _mark_used(row.id, wall)
    token, ttl = AuthenticatedToken(row.id, row.name, frozenset((row.scopes or READ).split())), current_ttl()
    if ttl > 0:
        checked.put(token_hash, _Check(token, now + ttl, now))
    return token


def _use_recorded(last_used_at, now) -> bool:
    """Whether a use at `now` is already covered by the recorded last use."""
    return last_used_at is not None and now - last_used_at < LAST_USED_RESOLUTION


def _mark_used(token_id: int, now) -> None:
    """Record use with a conditional UPDATE, so concurrent requests write it once."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id,
               or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - LAST_USED_RESOLUTION))
        .values(last_used_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
