"""A chat's and an address's quotas over Redis, as several workers share them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.app import Runtime, build_runtime
from bot.channels.web import create_bot_app
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge

pytestmark = pytest.mark.redis


@pytest.fixture
async def workers(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge, redis_url: str,
                  redis_client: object) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Two workers on one database and one Redis, a client of each."""
    settings = bot_settings.model_copy(update={"redis_url": redis_url})
    settings.limits = settings.limits.model_copy(update={"messages_per_chat": "4/minute",
                                                         "messages_per_address": "6/minute"})
    runtimes: list[Runtime] = [build_runtime(settings, migrate=False, knowledge=fixture_knowledge)
                               for _ in range(2)]
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=create_bot_app(r)),
                                 base_url="http://test") for r in runtimes]
    yield clients
    for client, runtime in zip(clients, runtimes, strict=True):
        await client.aclose()
        await runtime.close()


async def _ask(client: httpx.AsyncClient, sender: str, n: int) -> str:
    response = await client.post("/webhooks/rest/webhook",
                                 json={"sender": sender, "message": f"hello {n}"})
    assert response.status_code == 200
    return " ".join(m.get("text", "") for m in response.json())


async def test_a_chats_quota_holds_across_workers_and_refusals_are_not_stored(
        workers: list[httpx.AsyncClient]) -> None:
    answers = [await _ask(workers[n % 2], "citizen-1", n) for n in range(6)]
    assert ["very fast" in a for a in answers] == [False] * 4 + [True] * 2
    # the address had 6 messages, 4 counted: two more from another chat pass, the next not
    others = [await _ask(workers[n % 2], "citizen-2", n) for n in range(3)]
    assert ["very fast" in a for a in others] == [False, False, True]


async def test_a_redelivered_message_gets_its_first_answer_even_over_quota(
        workers: list[httpx.AsyncClient]) -> None:
    message = {"sender": "citizen-3", "message": "hello", "metadata": {"message_id": "m-1"}}
    first = await workers[0].post("/webhooks/rest/webhook", json=message)
    for n in range(5):
        await _ask(workers[1], "citizen-3", n)
    again = await workers[1].post("/webhooks/rest/webhook", json=message)
    assert "very fast" not in again.text and again.json() == first.json()
