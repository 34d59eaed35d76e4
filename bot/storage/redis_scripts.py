"""Redis scripts that let a turn in (lock, quotas) and out (unlock, announce) in one trip each.

redis-py spends about 0.1 ms of CPU on every command; a turn sent six (two quota windows of
the chat, one of the address, the lock, its release, the announcement), a sixth of its cost.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.ports import QuotaHit
from bot.storage.ratelimit import quota_items
from bot.storage.redis_names import RedisNames

if TYPE_CHECKING:
    from redis.asyncio import Redis

# KEYS[1]: the lock, KEYS[2..]: one quota window each.
# ARGV[1]: the lock's token ('' takes no lock), ARGV[2]: its lifetime in ms, then for each
# window its limit and length in ms. Returns {taken, the lock's ms left when not, ms to wait}.
# Each window keeps its number (w), its count (c) and the previous window's count (p); the
# weighted count floor(p x the share of the previous window still inside the sliding one) + c
# is the `limits` library's sliding window counter. Hits are counted in every window or in none.
_ADMIT = """
if ARGV[1] ~= '' and not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0, redis.call('PTTL', KEYS[1]), 0}
end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local wait, plans = 0, {}
for i = 2, #KEYS do
  local limit, size = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local number = math.floor(now / size)
  local start = number * size
  local held = redis.call('HMGET', KEYS[i], 'w', 'c', 'p')
  local w, c, p = tonumber(held[1]), tonumber(held[2]) or 0, tonumber(held[3]) or 0
  if w == number - 1 then p, c = c, 0 elseif w ~= number then p, c = 0, 0 end
  if limit < 1 then  -- "0/hour": an operator switched it off; wait a whole window
    wait = math.max(wait, size)
  elseif math.floor(p * (start + size - now) / size) + c + 1 > limit then
    local free  -- when the weighted count leaves room for one more, if nobody asks meanwhile
    if c < limit then
      free = start + size * (1 - (limit - c) / p)
    else
      free = start + size + size * (1 - limit / c)
    end
    wait = math.max(wait, math.floor(free - now) + 1)
  end
  plans[i] = {number, c + 1, p, size}
end
if wait == 0 then
  for i = 2, #KEYS do
    local plan = plans[i]
    redis.call('HSET', KEYS[i], 'w', plan[1], 'c', plan[2], 'p', plan[3])
    redis.call('PEXPIRE', KEYS[i], 2 * plan[4])
  end
end
return {1, 0, wait}
"""

# KEYS[1]: the lock; ARGV: its token, then a channel ('' for none) and the note to publish.
# Returns 1 when the lock was still ours, 0 when it had expired (another turn may have run).
_RELEASE = """
local ours = redis.call('GET', KEYS[1]) == ARGV[1]
if ours then redis.call('DEL', KEYS[1]) end
if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return ours and 1 or 0
"""


def seconds(milliseconds: int) -> int:
    """Return whole seconds, at least one, for a wait in milliseconds."""
    return max(1, math.ceil(milliseconds / 1000))


class RedisGateScripts:
    """The two scripts, registered once per client (redis-py loads them again after a flush)."""

    def __init__(self, redis: Redis, names: RedisNames) -> None:
        self._admit = redis.register_script(_ADMIT)
        self._release = redis.register_script(_RELEASE)
        self._names = names

    def _windows(self, hits: Sequence[QuotaHit]) -> tuple[list[str], list[int]]:
        """Return the keys of every window of `hits` and their limits and lengths, in pairs."""
        keys: list[str] = []
        args: list[int] = []
        for hit in hits:
            for item in quota_items(hit.limit):
                seconds = item.get_expiry()
                keys.append(self._names.quota(hit.name, hit.key, item.amount, seconds))
                args += [item.amount, seconds * 1000]
        return keys, args

    async def admit(self, lock: str | None, token: str, lifetime_ms: int,
                    hits: Sequence[QuotaHit]) -> tuple[bool, int, int | None]:
        """Take the lock (unless `lock` is None) and count `hits` in one round trip.

        Returns whether it was taken, the lock's milliseconds left when not, and the
        seconds an over-quota sender must wait (None when every hit was counted).
        """
        keys, args = self._windows(hits)
        taken, left, wait = await self._admit(
            keys=[lock or "msaidizi:nolock", *keys],
            args=[token if lock else "", lifetime_ms, *args])
        return bool(taken), int(left), seconds(int(wait)) if wait else None

    async def release(self, lock: str, token: str, channel: str = "", note: str = "") -> bool:
        """Free the lock if it is still ours (return whether it was); publish `note` if given."""
        return bool(await self._release(keys=[lock], args=[token, channel, note]))


class RedisQuotas:
    """Implements the core's RateLimits port on Redis, shared by every worker."""

    def __init__(self, scripts: RedisGateScripts) -> None:
        self._scripts = scripts

    async def hit(self, hits: Sequence[QuotaHit]) -> int | None:
        """Count every hit if all have room; else count none and return seconds to wait."""
        return (await self._scripts.admit(None, "", 0, hits))[2]
