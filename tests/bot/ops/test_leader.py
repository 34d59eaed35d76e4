"""The background lock: one holder per deployment (schema), the others wait as standbys."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage.engine import create_engine
from bot.storage.leader import BackgroundLeader

pytestmark = pytest.mark.postgres


async def test_a_second_worker_waits_until_the_first_lets_go(postgres_url: str) -> None:
    first_engine, second_engine = create_engine(postgres_url), create_engine(postgres_url)
    first = BackgroundLeader(first_engine)
    second = BackgroundLeader(second_engine, retry_seconds=0.1)
    try:
        assert await first.acquire(asyncio.Event())
        stop = asyncio.Event()
        waiting = asyncio.create_task(second.acquire(stop))
        await asyncio.sleep(0.5)
        assert not waiting.done()  # a standby
        await first.release()
        assert await asyncio.wait_for(waiting, 5)  # took over
        given_up = asyncio.Event()
        given_up.set()
        assert not await BackgroundLeader(first_engine, retry_seconds=0.1).acquire(given_up)
    finally:
        await second.release()
        await first.release()
        await first_engine.dispose()
        await second_engine.dispose()
