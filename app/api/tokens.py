"""API tokens: created once, stored as a SHA-256 hash, revoked at once."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, or_, select, update

from app.audit import record_event
from app.extensions import db
from app.models import ApiToken
from app.models.base import utcnow

TOKEN_PREFIX = "acc_"
DISPLAY_PREFIX_LENGTH = 12  # "acc_" and 8 random characters, enough to tell tokens apart
NAME_MAX = 100
# Writing last_used_at on every read would turn each GET into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token request the rules refuse."""


def hash_token(plaintext: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_token(name: str, by=None) -> tuple[ApiToken, str]:
    """Create a read token for a tool; returns the row and the plaintext, which is never stored."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise TokenError(f"A token needs a name of 1 to {NAME_MAX} printable characters.")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, prefix=plaintext[:DISPLAY_PREFIX_LENGTH], token_hash=hash_token(plaintext),
                     created_by_id=getattr(by, "id", None))
    db.session.add(token)
    db.session.flush()
    record_event("token.created", user=by, summary=f"Created API token '{name}' ({token.prefix}…)",
                 after={"id": token.id, "name": name, "prefix": token.prefix})
    db.session.commit()
    return token, plaintext


def revoke_token(token: ApiToken, by=None) -> ApiToken:
    """Revoke a token: the next request that presents it gets 401."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event("token.revoked", user=by, summary=f"Revoked API token '{token.name}' ({token.prefix}…)",
                     before={"id": token.id, "name": token.name, "prefix": token.prefix})
        db.session.commit()
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


_TOKENS = ApiToken.__table__.c
# Built once: checked on every API request that presents a token (a plain Core statement).
_ACTIVE_BY_HASH = select(_TOKENS.id, _TOKENS.name, _TOKENS.last_used_at).where(
    _TOKENS.token_hash == bindparam("token_hash"), _TOKENS.revoked_at.is_(None))


def authenticate_token(plaintext: str) -> AuthenticatedToken | None:
    """The active token with this plaintext, marking it used; None when unknown or revoked."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    row = db.session.execute(_ACTIVE_BY_HASH, {"token_hash": hash_token(plaintext)}).first()
    if row is None:
        return None
    now = utcnow()
    if not _use_recorded(row.last_used_at, now):
        _mark_used(row.id, now)
    return AuthenticatedToken(row.id, row.name)


def token_recently_used(connection, plaintext: str) -> bool:
    """Whether this is an active token whose use is already recorded within LAST_USED_RESOLUTION:
    a request presenting it needs nothing written (app.api.shortcut answers those before Flask)."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return False
    row = connection.execute(_ACTIVE_BY_HASH, {"token_hash": hash_token(plaintext)}).first()
    return row is not None and _use_recorded(row.last_used_at, utcnow())


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
