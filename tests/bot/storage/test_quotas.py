"""Quotas in memory and on Redis: the same counts, waits and all-or-nothing hits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.core.ports import QuotaHit, RateLimits
from bot.storage.ratelimit import LimitsCounters


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def quotas(request: pytest.FixtureRequest) -> AsyncIterator[RateLimits]:
    """Give each implementation of the RateLimits port."""
    if request.param == "memory":
        yield LimitsCounters()
        return
    from redis.asyncio import Redis

    from bot.storage.redis_names import RedisNames
    from bot.storage.redis_scripts import RedisGateScripts, RedisQuotas

    redis = Redis.from_url(request.getfixturevalue("redis_url"))
    await redis.flushdb()
    yield RedisQuotas(RedisGateScripts(redis, RedisNames(b"a test secret")))
    await redis.flushdb()
    await redis.aclose()


async def test_hits_are_counted_up_to_the_limit_then_the_sender_waits(
        quotas: RateLimits) -> None:
    hit = (QuotaHit("3/minute", "messages", "webchat:abc"),)
    assert [await quotas.hit(hit) for _ in range(3)] == [None, None, None]
    wait = await quotas.hit(hit)
    assert wait is not None and 1 <= wait <= 120  # within the sliding window's reach
    assert await quotas.hit((QuotaHit("3/minute", "messages", "webchat:other"),)) is None


async def test_every_rate_of_a_limit_counts(quotas: RateLimits) -> None:
    hit = (QuotaHit("5/minute;2/hour", "messages", "c1"),)
    assert [await quotas.hit(hit) for _ in range(2)] == [None, None]
    wait = await quotas.hit(hit)
    assert wait is not None  # the hour's rate is full, not the minute's


async def test_a_refused_request_counts_in_no_window(quotas: RateLimits) -> None:
    """The chat's quota is full: the address's is not charged for what was refused."""
    chat = QuotaHit("1/minute", "messages", "c1")
    address = QuotaHit("3/minute", "messages-address", "203.0.113.9")
    assert await quotas.hit((chat, address)) is None
    for _ in range(5):
        assert await quotas.hit((chat, address)) is not None
    others = [await quotas.hit((QuotaHit("9/minute", "messages", f"c{n}"), address))
              for n in range(2, 5)]
    assert others[:2] == [None, None] and others[2] is not None  # the first hit, then two


async def test_the_window_slides_on(quotas: RateLimits) -> None:
    hit = (QuotaHit("2/second", "messages", "c1"),)
    assert [await quotas.hit(hit) for _ in range(2)] == [None, None]
    wait = await quotas.hit(hit)
    assert wait is not None and wait <= 2
    await asyncio.sleep(2.1)  # two windows on, nothing of the first is left
    assert await quotas.hit(hit) is None


@pytest.mark.redis
async def test_redis_keeps_no_phone_or_address_in_its_keys(redis_client: object) -> None:
    from redis.asyncio import Redis

    from bot.storage.redis_names import RedisNames
    from bot.storage.redis_scripts import RedisGateScripts, RedisQuotas

    assert isinstance(redis_client, Redis)
    quotas = RedisQuotas(RedisGateScripts(redis_client, RedisNames(b"a test secret")))
    await quotas.hit((QuotaHit("3/minute", "messages", "whatsapp:254712345678"),
                      QuotaHit("3/minute", "messages-address", "203.0.113.9")))
    keys = [k.decode() for k in await redis_client.keys("*")]
    assert len(keys) == 2 and all(k.startswith("msaidizi:quota:messages") for k in keys)
    assert not any("254712345678" in k or "203.0.113.9" in k for k in keys)
    assert all(0 < left <= 120_000 for left in [await redis_client.pttl(k) for k in keys])


async def test_zero_switches_a_quota_off(quotas: RateLimits) -> None:
    hit = (QuotaHit("0/hour", "code-requests", "c1"),)
    waits = [await quotas.hit(hit) for _ in range(3)]
    assert all(w is not None and w >= 1 for w in waits)
