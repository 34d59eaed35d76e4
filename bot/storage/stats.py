"""Counts operators watch, read from the assistant's database at scrape time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.models import MessageRow


async def delivery_samples(engine: AsyncEngine) -> Sequence[tuple[str, Mapping[str, str], float]]:
    """Return how many outbound messages wait to be sent and how many were given up on."""
    async with engine.connect() as connection:
        rows = (await connection.execute(
            select(MessageRow.delivery, func.count())
            .where(MessageRow.delivery.in_(("pending", "failed")))
            .group_by(MessageRow.delivery)
        )).all()
    counts = {str(state): int(count) for state, count in rows}
    return [("msaidizi_deliveries_pending", {}, counts.get("pending", 0)),
            ("msaidizi_deliveries_failed", {}, counts.get("failed", 0))]
