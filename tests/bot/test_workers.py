"""Several workers behind a load balancer: one PostgreSQL database, Redis locks and signals."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import Runtime, build_runtime
from bot.config import BotSettings
from bot.core.messages import InboundMessage
from bot.knowledge.live import LiveKnowledge

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
async def workers(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge, postgres_url: str,
                  redis_url: str, redis_client: object) -> AsyncIterator[tuple[Runtime, Runtime]]:
    settings = bot_settings.model_copy(update={"database_url": postgres_url,
                                               "redis_url": redis_url})
    first = build_runtime(settings, knowledge=fixture_knowledge)
    second = build_runtime(settings, migrate=False, knowledge=fixture_knowledge)
    yield first, second
    for runtime in (first, second):
        await runtime.close()


async def test_turns_of_one_conversation_on_two_workers_stay_whole_and_ordered(
    workers: tuple[Runtime, Runtime],
) -> None:
    first, second = workers
    sender = "lb-1"
    questions = ["hello", "how much is a passport", "menu", "5", "paybill", "thanks"] * 2
    await asyncio.gather(*(
        (first if i % 2 else second).handle(InboundMessage("test", sender, q, message_id=f"m{i}"))
        for i, q in enumerate(questions)
    ))
    log = await first.store.messages_after(f"test:{sender}", 0, limit=500)
    assert [m.seq for m in log] == list(range(1, len(log) + 1))  # no gaps, no duplicates
    assert sum(m.direction == "in" for m in log) == len(questions)
    session = await second.store.load_by_id(f"test:{sender}")
    assert session is not None and session.version == len(questions)


async def test_a_message_redelivered_to_another_worker_is_answered_once(
    workers: tuple[Runtime, Runtime],
) -> None:
    first, second = workers
    message = InboundMessage("test", "lb-2", "how much is a passport", message_id="wamid.X1")
    one, two = await asyncio.gather(first.handle(message), second.handle(message))
    assert [r.text for r in one.replies] == [r.text for r in two.replies]
    assert one.duplicate != two.duplicate  # one worker answered, the other replayed it
    log = await first.store.messages_after("test:lb-2", 0)
    assert [m.direction for m in log] == ["in", "out"]


async def test_a_push_on_one_worker_wakes_a_listener_on_another(
    workers: tuple[Runtime, Runtime],
) -> None:
    first, second = workers
    await first.handle(InboundMessage("test", "lb-3", "hello"))
    async with second.signal.subscribe("test:lb-3") as subscription:
        from bot.core.messages import TextReply

        await first.push("test:lb-3", [TextReply("Your payment was received.")])
        assert await subscription.wait(5.0)


async def test_more_concurrent_turns_than_redis_connections_wait_instead_of_failing(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge, postgres_url: str,
    redis_url: str, redis_client: object,
) -> None:
    # 200 concurrent turns over redis-py's default pool of 100 answered 500s
    # (MaxConnectionsError); the blocking pool queues them instead
    settings = bot_settings.model_copy(update={"database_url": postgres_url,
                                               "redis_url": redis_url,
                                               "redis_max_connections": 3})
    runtime = build_runtime(settings, knowledge=fixture_knowledge)
    try:
        results = await asyncio.gather(*(
            runtime.handle(InboundMessage("test", f"flood-{i}", "how much is a passport",
                                          message_id=f"f{i}"))
            for i in range(30)))
    finally:
        await runtime.close()
    assert all(r.replies for r in results)
