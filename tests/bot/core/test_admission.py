"""The turn gate of one worker: its lock, its quotas and its announcement, one port each."""

from __future__ import annotations

from bot.core.admission import SeparateGate
from bot.core.ports import QuotaHit
from bot.storage.locks import LocalLocks
from bot.storage.ratelimit import LimitsCounters
from bot.storage.signals import LocalSignal


async def test_quotas_are_counted_under_the_lock_and_news_announced_after_it() -> None:
    locks, signal = LocalLocks(), LocalSignal()
    gate = SeparateGate(locks, LimitsCounters(), signal)
    hits = (QuotaHit("1/minute", "messages", "c1"),)
    async with signal.subscribe("c1") as listening:
        async with gate.admit("c1", hits) as admission:
            assert admission.wait is None and locks.lock_for("c1").locked()
            admission.announce()
            assert not listening.take_news()  # not while the turn still holds the lock
        assert listening.take_news()
        async with gate.admit("c1", hits) as limited:
            assert limited.wait is not None
        assert not listening.take_news()  # nothing announced: nothing was stored


async def test_without_counters_every_turn_is_let_in() -> None:
    gate = SeparateGate(LocalLocks())
    for _ in range(3):
        async with gate.admit("c1", (QuotaHit("1/minute", "messages", "c1"),)) as admission:
            assert admission.wait is None
            admission.announce()  # no signal: nobody to tell, and no error
