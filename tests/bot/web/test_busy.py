"""A message whose conversation stays locked is refused with a translated 503, never lost."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.app import Runtime, build_runtime, redis_names
from bot.channels.web import create_bot_app
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from bot.storage.web_sessions import SqlWebSessions
from bot.web.busy import BUSY_TYPE, preferred_locale

LOCALES = ("en", "sw")


@pytest.mark.parametrize(("header", "expected"), [
    (None, "en"),
    ("", "en"),
    ("sw", "sw"),
    ("sw-KE,sw;q=0.9,en;q=0.8", "sw"),
    ("en-GB,en;q=0.9,sw;q=0.8", "en"),
    ("fr-FR,sw;q=0.5,en;q=0.4", "sw"),  # the first supported language by weight
    ("en;q=0.2, sw;q=0.7", "sw"),
    ("sw;q=0, en", "en"),  # q=0 means "not this one"
    ("sw;q=abc, en;q=0.1", "en"),  # a weight that is no number is not trusted
    ("de, fr", "en"),
])
def test_preferred_locale_follows_accept_language(header: str | None, expected: str) -> None:
    assert preferred_locale(header, LOCALES) == expected


@pytest.fixture
async def runtime(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge, redis_url: str,
                  redis_client: object) -> AsyncIterator[Runtime]:
    """A worker on Redis locks that gives up on a locked conversation after 0.3 s."""
    settings = bot_settings.model_copy(update={"redis_url": redis_url, "conversation_wait": 0.3})
    running = build_runtime(settings, migrate=False, knowledge=fixture_knowledge)
    yield running
    await running.close()


@pytest.fixture
async def http(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the assistant, with no web chat session yet."""
    transport = httpx.ASGITransport(app=create_bot_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def _dead_worker_holds(redis_client: object, runtime: Runtime,
                             conversation_id: str) -> None:
    """Leave the conversation's lock as a SIGKILLed worker does: held until it expires."""
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    lock = redis_names(runtime.settings).lock(conversation_id)
    await redis_client.set(lock, "dead worker", px=12_000)


@pytest.mark.redis
async def test_rest_message_behind_a_dead_workers_lock_is_refused_then_taken_on_retry(
    runtime: Runtime, http: httpx.AsyncClient, redis_client: object,
) -> None:
    await _dead_worker_holds(redis_client, runtime, "rest:u-busy")
    message = {"sender": "u-busy", "message": "how much is a passport",
               "metadata": {"message_id": "m-busy-1"}}
    refused = await http.post("/webhooks/rest/webhook", json=message,
                              headers={"Accept-Language": "sw-KE,sw;q=0.9"})
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert 10 <= int(refused.headers["Retry-After"]) <= 12  # when the lock expires
    problem = refused.json()
    assert problem["type"] == BUSY_TYPE and problem["retry_after_seconds"] >= 10
    assert problem["title"] == runtime.translations.for_locale("sw").gettext(
        "Your previous message is still being handled. Please send this one again in a moment.")
    assert not problem["title"].startswith("Your previous")  # Swahili, not the English msgid
    assert await runtime.store.messages_after("rest:u-busy", 0) == []  # nothing half-taken

    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    await redis_client.delete(redis_names(runtime.settings).lock("rest:u-busy"))  # expired
    taken = await http.post("/webhooks/rest/webhook", json=message)
    assert taken.status_code == 200 and "passport" in taken.json()[0]["text"].lower()
    log = await runtime.store.messages_after("rest:u-busy", 0)
    assert [m.direction for m in log] == ["in", "out"]


@pytest.mark.redis
async def test_page_message_behind_a_held_lock_gets_503_in_english_by_default(
    runtime: Runtime, http: httpx.AsyncClient, redis_client: object,
) -> None:
    await http.post("/webchat/session")
    sender = await SqlWebSessions(runtime.engine).sender_for(http.cookies["msz_chat"])
    assert sender is not None
    await _dead_worker_holds(redis_client, runtime, f"webchat:{sender}")
    body = {"text": "hello", "client_id": "c-busy-1", "after": 0}
    refused = await http.post("/webchat/send", json=body)
    assert refused.status_code == 503 and "Retry-After" in refused.headers
    assert refused.json()["title"].startswith("Your previous message is still being handled")
    assert await runtime.store.messages_after(f"webchat:{sender}", 0) == []


async def test_redis_down_answers_a_translated_503_and_takes_nothing(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
) -> None:
    """A worker whose Redis does not answer refuses the message; the sender sends it again."""
    from bot.web.busy import UNAVAILABLE_TYPE

    settings = bot_settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    runtime = build_runtime(settings, migrate=False, knowledge=fixture_knowledge)
    transport = httpx.ASGITransport(app=create_bot_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        refused = await http.post("/webhooks/rest/webhook", headers={"Accept-Language": "sw"},
                                  json={"sender": "u-down", "message": "bei ya pasipoti"})
    await runtime.close()
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
    problem = refused.json()
    assert problem["type"] == UNAVAILABLE_TYPE
    assert problem["title"] == runtime.translations.for_locale("sw").gettext(
        "The service is briefly unavailable. Please send your message again in a minute.")
    assert not problem["title"].startswith("The service")  # Swahili, not the English msgid
    assert await runtime.store.messages_after("rest:u-down", 0) == []


def test_senders_asked_to_come_back_after_a_blip_do_not_all_come_back_at_once() -> None:
    from bot.core.ports import SharedStateUnavailable

    waits = {SharedStateUnavailable(5).retry_after for _ in range(200)}
    assert waits <= set(range(5, 11)) and len(waits) > 3
