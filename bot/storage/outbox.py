"""Durable bookkeeping for background work: reports waiting to be filed, the event cursor."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.core.backend import ReportDraft
from bot.core.ports import PendingReport
from bot.storage.models import PendingReportRow, SettingRow
from bot.storage.sealing import Sealer
from common.timezone import utcnow


class SqlReportOutbox:
    """Reports kept while the backend was down, until they are filed."""

    def __init__(self, engine: AsyncEngine, sealer: Sealer) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._sealer = sealer  # the citizen's words and sign-in are sealed until filed

    async def keep(self, conversation_id: str, draft: ReportDraft, idempotency_key: str,
                   token: str | None) -> None:
        """Store a report durably (a second keep with the same key is ignored)."""
        data = asdict(draft)
        data["occurred_at"] = draft.occurred_at.isoformat() if draft.occurred_at else None
        async with self._sessions() as db, db.begin():
            existing = await db.scalar(select(PendingReportRow).where(
                PendingReportRow.idempotency_key == idempotency_key))
            if existing is None:
                db.add(PendingReportRow(
                    conversation_id=conversation_id, draft=self._sealer.seal(data),
                    token=self._sealer.seal_text(token) if token else None,
                    idempotency_key=idempotency_key, attempts=0))

    async def due(self, now: datetime, limit: int = 20) -> list[PendingReport]:
        """Return unfiled reports whose next attempt is due, opened."""
        async with self._sessions() as db:
            rows = await db.scalars(
                select(PendingReportRow)
                .where(PendingReportRow.filed_reference.is_(None),
                       or_(PendingReportRow.next_attempt_at.is_(None),
                           PendingReportRow.next_attempt_at <= now))
                .order_by(PendingReportRow.id).limit(limit))
            return [PendingReport(
                id=row.id, conversation_id=row.conversation_id,
                idempotency_key=row.idempotency_key, attempts=row.attempts,
                draft=self._sealer.open(row.draft),
                token=self._sealer.open_text(row.token) if row.token else None,
            ) for row in rows]

    async def filed(self, report_id: int, reference: str) -> None:
        """Mark a report filed; its token is no longer needed."""
        async with self._sessions() as db, db.begin():
            await db.execute(update(PendingReportRow).where(PendingReportRow.id == report_id)
                             .values(filed_reference=reference, token=None))

    async def failed(self, report_id: int, attempts: int) -> None:
        """Record a failed attempt and back off (capped at ten minutes)."""
        delay = timedelta(seconds=min(600, 5 * 2 ** attempts))
        async with self._sessions() as db, db.begin():
            await db.execute(update(PendingReportRow).where(PendingReportRow.id == report_id)
                             .values(attempts=attempts, next_attempt_at=utcnow() + delay))


def draft_from_record(data: dict[str, object]) -> ReportDraft:
    """Rebuild a report draft from what `keep` stored."""
    occurred = data.get("occurred_at")
    values = {**data, "occurred_at": datetime.fromisoformat(str(occurred)) if occurred else None}
    return ReportDraft(**values)  # type: ignore[arg-type]


class SqlSettings:
    """A tiny key-value store for values such as the event cursor."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def get(self, key: str, default: str = "") -> str:
        """Return the stored value, or `default`."""
        async with self._sessions() as db:
            row = await db.get(SettingRow, key)
            return row.value if row else default

    async def set(self, key: str, value: str) -> None:
        """Store a value."""
        async with self._sessions() as db, db.begin():
            row = await db.get(SettingRow, key)
            if row is None:
                db.add(SettingRow(key=key, value=value))
            else:
                row.value = value


class SqlTicketRoutes:
    """Which conversation a support ticket's messages go to (it moves with the citizen)."""

    def __init__(self, settings: SqlSettings) -> None:
        self._settings = settings

    async def route(self, number: str, conversation_id: str) -> None:
        """Send the ticket's future messages to `conversation_id`."""
        await self._settings.set(f"ticket:{number}", conversation_id)

    async def conversation_for(self, number: str) -> str | None:
        """Return where the ticket's messages go, if it moved."""
        return await self._settings.get(f"ticket:{number}") or None
