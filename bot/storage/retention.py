"""Storage limitation (Data Protection Act s.25): drop transcripts and bookkeeping when due."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.storage.models import (
    ConversationRow,
    HandledKeyRow,
    InboundReceiptRow,
    MatchEventRow,
    MessageRow,
)
from bot.storage.sealing import Sealer
from common.timezone import utcnow

logger = logging.getLogger(__name__)

DEDUPE_WINDOW = timedelta(days=30)  # channels redeliver within hours; a month is ample
GAP_EVENTS = timedelta(days=365)  # masked questions for the editors' gap report


@dataclass(frozen=True, slots=True)
class Purged:
    """How much a purge removed."""

    messages: int
    histories: int
    bookkeeping: int


class RetentionPurger:
    """Deletes chat messages older than the retention period, and stale bookkeeping."""

    def __init__(self, engine: AsyncEngine, retention: timedelta,
                 sealer: Sealer | None = None) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._retention = retention
        self._sealer = sealer

    async def purge(self) -> Purged:
        """Run one purge; return what was removed."""
        now = utcnow()
        cutoff = now - self._retention
        async with self._sessions() as db, db.begin():
            messages = await db.execute(delete(MessageRow).where(MessageRow.created_at < cutoff))
            histories = 0
            idle = await db.scalars(select(ConversationRow)
                                    .where(ConversationRow.updated_at < cutoff))
            for row in idle:
                state = self._sealer.open(row.state) if self._sealer else dict(row.state or {})
                if state.get("history"):
                    state["history"] = []
                    row.state = self._sealer.seal(state) if self._sealer else state
                    histories += 1
            bookkeeping = 0
            for model, age in ((InboundReceiptRow, DEDUPE_WINDOW), (HandledKeyRow, DEDUPE_WINDOW),
                               (MatchEventRow, GAP_EVENTS)):
                result = await db.execute(delete(model).where(model.created_at < now - age))
                bookkeeping += int(getattr(result, "rowcount", 0) or 0)
        purged = Purged(int(getattr(messages, "rowcount", 0) or 0), histories, bookkeeping)
        if purged.messages or purged.histories:
            logger.info("Retention purge: %s", purged)
        return purged

    async def run(self, stop: asyncio.Event, interval: float = 6 * 3600) -> None:
        """Purge every few hours until `stop` is set."""
        while not stop.is_set():
            try:
                await self.purge()
            except Exception:
                logger.exception("Retention purge failed")
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except TimeoutError:
                continue
