"""Citizen tokens: random, stored as SHA-256, bound to one chat identity, revocable."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.core.models import CitizenToken

TOKEN_PREFIX = "msz_"  # noqa: S105 - a label, not a secret


def hash_token(raw: str) -> str:
    """Return the SHA-256 hex digest under which a token is stored.

    A plain hash is enough: the token has 256 bits of entropy, so it cannot be guessed
    from the digest the way a password could.
    """
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    *,
    session: Session,
    citizen_id: int,
    chat_identity: str,
    scopes: Iterable[str],
    ttl: timedelta,
    now: datetime,
) -> tuple[str, CitizenToken]:
    """Issue a token; return the raw value (shown once) and the stored row."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = CitizenToken(
        citizen_id=citizen_id,
        token_hash=hash_token(raw),
        chat_identity=chat_identity,
        scopes=" ".join(scopes),
        created_at=now,
        expires_at=now + ttl,
        last_used_at=now,
    )
    session.add(token)
    session.flush()
    return raw, token


def find_token(*, session: Session, raw: str) -> CitizenToken | None:
    """Return the stored token for a raw bearer value."""
    return session.scalar(select(CitizenToken).where(CitizenToken.token_hash == hash_token(raw)))


def revoke_token(*, token: CitizenToken, reason: str, now: datetime) -> None:
    """Revoke one token."""
    if token.revoked_at is None:
        token.revoked_at = now
        token.revoked_reason = reason


def revoke_all(*, session: Session, citizen_id: int, reason: str, now: datetime) -> int:
    """Revoke every live token of a citizen; return how many were revoked."""
    result = session.execute(
        update(CitizenToken)
        .where(CitizenToken.citizen_id == citizen_id, CitizenToken.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class ChatIdentityUse:
    """A chat identity with a live token, and when a token was last used there."""

    chat_identity: str
    last_used_at: datetime


def active_chat_identities(
    *, session: Session, citizen_id: int, now: datetime
) -> list[ChatIdentityUse]:
    """Return the chat identities holding live tokens, most recently used first."""
    last_used = func.max(CitizenToken.last_used_at)
    rows = session.execute(
        select(CitizenToken.chat_identity, last_used)
        .where(
            CitizenToken.citizen_id == citizen_id,
            CitizenToken.revoked_at.is_(None),
            CitizenToken.expires_at > now,
        )
        .group_by(CitizenToken.chat_identity)
        .order_by(last_used.desc(), CitizenToken.chat_identity)
    ).all()
    return [ChatIdentityUse(identity, used) for identity, used in rows]
