"""Rate-limit counters in one process with the `limits` library (Redis: redis_scripts.py)."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from functools import lru_cache

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from bot.core.ports import QuotaHit


@lru_cache(maxsize=64)
def quota_items(limit: str) -> tuple[RateLimitItem, ...]:
    """Return the rates of a limit in `limits` notation ("30/minute;300/hour"), parsed once."""
    return tuple(parse_many(limit))


class LimitsCounters:
    """Implements the core's RateLimits port in memory, for one worker."""

    def __init__(self) -> None:
        # A sliding window of two counters per key: the moving window kept every hit and, in
        # memory, expired them with one thread hop per key on every hit (1.6 ms of a turn's
        # CPU with 20 keys, growing with every open conversation).
        self._storage = MemoryStorage()
        self._limiter = SlidingWindowCounterRateLimiter(self._storage)

    async def hit(self, hits: Sequence[QuotaHit]) -> int | None:
        """Count every hit if all have room; else count none and return the longest wait."""
        rates = [(item, hit) for hit in hits for item in quota_items(hit.limit)]
        waits = []
        for item, hit in rates:
            if not await self._limiter.test(item, hit.name, hit.key):
                stats = await self._limiter.get_window_stats(item, hit.name, hit.key)
                waits.append(max(1, math.ceil(stats.reset_time - time.time())))
        if waits:  # a refused message counts nowhere: a flood does not lengthen its own wait
            return max(waits)
        for item, hit in rates:
            await self._limiter.hit(item, hit.name, hit.key)
        return None

    async def reset(self) -> None:
        """Forget every counter (tests)."""
        await self._storage.reset()
