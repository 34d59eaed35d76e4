"""Pushes to a REST conversation are POSTed to the widget's callback URL, as Rasa does."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI, Request, Response
from pydantic import SecretStr

from bot.app import build_runtime
from bot.channels.web import create_bot_app
from bot.config import BotSettings
from bot.core.messages import Choice, ChoicesReply, TextReply
from bot.knowledge.live import LiveKnowledge
from tests.helpers.server import LiveServer


def callback_site(received: list[dict[str, Any]], answers: list[int]) -> FastAPI:
    """The integrator's endpoint: records what it gets, answers with the next status."""
    site = FastAPI()

    @site.post("/bot")
    async def bot(request: Request) -> Response:
        received.append({"body": await request.json(),
                         "auth": request.headers.get("authorization")})
        return Response(status_code=answers.pop(0) if answers else 200)

    return site


async def _served(settings: BotSettings, knowledge: LiveKnowledge, url: str) -> Any:
    web = settings.web.model_copy(update={"rest_callback_url": url,
                                          "rest_callback_token": SecretStr("s3cret")})
    runtime = build_runtime(settings.model_copy(update={"web": web}), migrate=False,
                            knowledge=knowledge)
    return runtime, create_bot_app(runtime)


async def test_an_agents_reply_reaches_the_rest_widget_and_answers_stay_in_the_response(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
) -> None:
    received: list[dict[str, Any]] = []
    with LiveServer(callback_site(received, [])) as site:
        runtime, app = await _served(bot_settings, fixture_knowledge, f"{site.url}/bot")
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            answer = await client.post("/webhooks/rest/webhook",
                                       json={"sender": "+254700111222", "message": "hello"})
            assert answer.json()[0]["text"].startswith("Hello! I am Msaidizi")
            assert received == []  # the answer came back in the response, not by callback
            await runtime.push("rest:+254700111222", [
                TextReply("Achieng (eCitizen support): How can I help?"),
                ChoicesReply("Rate us", (Choice("Good", "rating:T-1:3"),))])
    assert [r["body"] for r in received] == [
        {"recipient_id": "+254700111222", "text": "Achieng (eCitizen support): How can I help?"},
        {"recipient_id": "+254700111222", "text": "Rate us",
         "buttons": [{"title": "Good", "payload": "rating:T-1:3"}]}]
    assert {r["auth"] for r in received} == {"Bearer s3cret"}


async def test_a_failing_callback_keeps_the_message_for_a_retry_and_a_refusal_ends_it(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
) -> None:
    received: list[dict[str, Any]] = []
    with LiveServer(callback_site(received, [503, 400])) as site:
        runtime, app = await _served(bot_settings, fixture_knowledge, f"{site.url}/bot")
        async with app.router.lifespan_context(app):
            await runtime.push("rest:w1", [TextReply("first")])
            [waiting] = await runtime.store.pending_deliveries("rest:w1")
            assert waiting.attempts == 1  # kept, in order, for the deliverer's next attempt
            await runtime.push("rest:w2", [TextReply("refused")])
            assert await runtime.store.pending_deliveries("rest:w2") == []  # failed for good
    assert [r["body"]["text"] for r in received] == ["first", "refused"]
