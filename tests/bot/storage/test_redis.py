"""Redis locks and signals that let several workers share conversations."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage.locks import LocalLocks, RedisLocks
from bot.storage.signals import LocalSignal, RedisSignal

pytestmark = pytest.mark.redis


async def _exclusive(locks: LocalLocks | RedisLocks) -> list[str]:
    events: list[str] = []

    async def turn(name: str) -> None:
        async with locks.hold("c1"):
            events.append(f"{name}+")
            await asyncio.sleep(0.05)
            events.append(f"{name}-")

    await asyncio.gather(turn("a"), turn("b"), turn("c"))
    return events


def _never_overlap(events: list[str]) -> bool:
    return all(events[i][0] == events[i + 1][0] for i in range(0, len(events), 2))


async def test_local_locks_serialise_turns_of_one_conversation() -> None:
    assert _never_overlap(await _exclusive(LocalLocks()))


async def test_redis_locks_serialise_turns_across_clients(redis_client: object) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    assert _never_overlap(await _exclusive(RedisLocks(redis_client)))


async def _wakes(signal: LocalSignal | RedisSignal) -> None:
    async with signal.subscribe("c1") as subscription:
        assert not await subscription.wait(0.05)
        await signal.publish("c2")
        assert not await subscription.wait(0.1)
        await signal.publish("c1")
        assert await subscription.wait(2.0)


async def test_local_signal_wakes_subscriber() -> None:
    await _wakes(LocalSignal())


async def test_redis_signal_wakes_subscriber(redis_client: object) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    await _wakes(RedisSignal(redis_client))
