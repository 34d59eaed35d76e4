"""Rate-limit counters for the assistant with the `limits` library (memory, or Redis)."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from limits import parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

if TYPE_CHECKING:
    from redis.asyncio import Redis


class LimitsCounters:
    """Implements the core's RateLimits port; Redis shares the counts between workers.

    With Redis the counters use the runtime's own connection pool, so closing the runtime's
    client closes them too.
    """

    def __init__(self, redis: Redis | None = None) -> None:
        storage: Storage = MemoryStorage()
        if redis is not None:
            storage = RedisStorage(  # limits types its options narrowly; a pool is accepted
                "async+redis://", implementation="redispy",
                connection_pool=redis.connection_pool,  # type: ignore[arg-type]
            )
        # A sliding window of two counters per key: the moving window kept every hit and, in
        # memory, expired them with one thread hop per key on every hit (1.6 ms of a turn's
        # CPU with 20 keys, growing with every open conversation).
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self._storage = storage

    async def hit(self, limit: str, name: str, key: str) -> int | None:
        """Count a hit against every rate in `limit`; return the longest wait, or None."""
        waits = []
        for item in parse_many(limit):
            if not await self._limiter.hit(item, name, key):
                stats = await self._limiter.get_window_stats(item, name, key)
                waits.append(max(1, math.ceil(stats.reset_time - time.time())))
        return max(waits) if waits else None

    async def reset(self) -> None:
        """Forget every counter (tests)."""
        await self._storage.reset()
