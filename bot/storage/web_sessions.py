"""Web chat sessions: the browser holds a random token in a cookie; only its hash is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.storage.models import WebSessionRow
from common.timezone import utcnow

_TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at without a write per message


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SqlWebSessions:
    """Creates, checks and ends web chat sessions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def create(self) -> tuple[str, str]:
        """Start a session; return the raw cookie token and the new sender id."""
        token, sender = secrets.token_urlsafe(32), "w" + secrets.token_hex(16)
        now = utcnow()
        async with self._sessions() as db, db.begin():
            db.add(WebSessionRow(token_hash=_hash(token), sender_id=sender, created_at=now,
                                 last_seen_at=now))
        return token, sender

    async def sender_for(self, token: str | None) -> str | None:
        """Return the sender id of a live session's cookie, or None."""
        if not token or len(token) > 100:
            return None
        async with self._sessions() as db:
            row = await db.get(WebSessionRow, _hash(token))
            if row is None or row.ended_at is not None:
                return None
            if utcnow() - row.last_seen_at > _TOUCH_EVERY:
                await db.execute(update(WebSessionRow)
                                 .where(WebSessionRow.token_hash == row.token_hash)
                                 .values(last_seen_at=utcnow()))
                await db.commit()
            return row.sender_id

    async def end(self, token: str | None) -> str | None:
        """End the session of a cookie; return its sender id (None when there was none)."""
        sender = await self.sender_for(token)
        if sender is None or token is None:
            return None
        async with self._sessions() as db, db.begin():
            await db.execute(update(WebSessionRow).where(WebSessionRow.token_hash == _hash(token))
                             .values(ended_at=utcnow()))
        return sender

