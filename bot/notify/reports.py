"""File the security reports kept during a backend outage, then tell the citizen the reference."""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from bot.core.backend import BackendClient, BackendError, ChatAuth, FiledReport, SignInNeeded
from bot.core.messages import Reply
from bot.core.ports import ReportQueue
from bot.core.turn import Turn
from bot.intents.report_security import filed_result
from bot.notify.pushes import Pusher
from bot.storage.outbox import draft_from_record
from common.timezone import utcnow

logger = logging.getLogger(__name__)


def _confirmation(turn: Turn, filed: FiledReport) -> list[Reply]:
    """Tell the citizen the reference of a report filed after the outage."""
    return list(filed_result(turn, filed).replies)


class ReportFiler:
    """Retries kept reports with backoff until the backend accepts them."""

    def __init__(self, backend: BackendClient, outbox: ReportQueue, pusher: Pusher,
                 *, interval: float = 5.0) -> None:
        self._backend = backend
        self._outbox = outbox
        self._pusher = pusher
        self._interval = interval

    async def file_due(self) -> int:
        """Try every due report once; return how many were filed."""
        filed_count = 0
        for row in await self._outbox.due(utcnow()):
            draft = draft_from_record(dict(row.draft))
            auth = ChatAuth(row.token, row.conversation_id) if row.token else None
            try:
                try:
                    filed = await self._backend.file_report(auth, draft, row.idempotency_key)
                except SignInNeeded:  # the sign-in expired meanwhile: file it without it
                    filed = await self._backend.file_report(None, draft, row.idempotency_key)
            except BackendError as exc:
                logger.info("Kept report not filed yet (%s)", type(exc).__name__)
                await self._outbox.failed(row.id, row.attempts + 1)
                continue
            await self._outbox.filed(row.id, filed.reference)
            await self._pusher.push(row.conversation_id, f"report:{row.idempotency_key}",
                                    partial(_confirmation, filed=filed))
            filed_count += 1
        return filed_count

    async def run(self, stop: asyncio.Event) -> None:
        """File kept reports until `stop` is set."""
        while not stop.is_set():
            try:
                await self.file_due()
            except Exception:
                logger.exception("Filing kept reports failed")
            try:
                await asyncio.wait_for(stop.wait(), self._interval)
            except TimeoutError:
                continue
