"""Rate limits for the backend's synchronous routes, with the `limits` library.

Counters live in memory, or in Redis when `MSAIDIZI_BACKEND_REDIS_URL` is set, so that
several backend workers share one budget. A limit is a `limits` string such as "20/hour".
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from backend.core.problems import too_many


class RateLimiter:
    """Counts hits per (limit name, key) in a moving window."""

    def __init__(self, redis_url: str | None = None) -> None:
        storage = storage_from_string(redis_url or "memory://")
        assert isinstance(storage, Storage)  # a synchronous storage for synchronous routes
        self._storage = storage
        self._limiter = MovingWindowRateLimiter(self._storage)

    def hit(self, limit: str, name: str, key: str) -> int | None:
        """Count one hit; return the seconds to wait when the limit is exceeded, else None."""
        item: RateLimitItem = parse(limit)
        if self._limiter.hit(item, name, key):
            return None
        reset = self._limiter.get_window_stats(item, name, key).reset_time
        return max(1, math.ceil(reset - time.time()))

    def blocked(self, limit: str, name: str, key: str) -> int | None:
        """Return the seconds to wait if the limit is used up, without counting a hit."""
        item = parse(limit)
        if self._limiter.test(item, name, key):
            return None
        reset = self._limiter.get_window_stats(item, name, key).reset_time
        return max(1, math.ceil(reset - time.time()))

    def check(self, limit: str, name: str, key: str, *, count: bool = True) -> None:
        """Raise 429 `rate-limited` (with Retry-After) when over the limit; count a hit first.

        With `count=False` nothing is counted: call `hit` yourself for the events that
        should use the budget (failures only, say).
        """
        wait = self.hit(limit, name, key) if count else self.blocked(limit, name, key)
        if wait is not None:
            raise too_many("rate-limited", wait, "Too many requests. Wait before trying again.")

    def reset(self) -> None:
        """Forget every counter (tests)."""
        self._storage.reset()
