"""A turn gate made of separate ports: a lock, rate limits and a signal (one worker, no Redis)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from bot.core.ports import Admission, ConversationLocks, MessageSignal, QuotaHit, RateLimits


class SeparateGate:
    """Implements TurnGate with a port for each job, one call each."""

    def __init__(self, locks: ConversationLocks, limits: RateLimits | None = None,
                 signal: MessageSignal | None = None) -> None:
        self._locks = locks
        self._limits = limits
        self._signal = signal

    @asynccontextmanager
    async def admit(self, conversation_id: str,
                    hits: Sequence[QuotaHit]) -> AsyncIterator[Admission]:
        """Hold the lock, count `hits` once it is held; announce after releasing it."""
        async with self._locks.hold(conversation_id):
            admission = Admission(
                await self._limits.hit(hits) if self._limits is not None and hits else None)
            yield admission
        if admission.announced and self._signal is not None:
            await self._signal.publish(conversation_id)  # other open tabs or devices
