"""The web chat channel over HTTP: REST webhook, page API, history, polling, live push."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from websockets.sync.client import connect

from bot.app import Runtime, build_runtime
from bot.channels.web import create_bot_app
from bot.config import BotSettings
from bot.core.messages import TextReply
from bot.live_knowledge import LiveKnowledge
from tests.helpers.server import LiveServer


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_bot_app(runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_rest_webhook_answers_in_rasa_shape(client: httpx.AsyncClient) -> None:
    response = await client.post("/webhooks/rest/webhook", json={"sender": "u1", "message": "hello"})
    assert response.status_code == 200
    body = response.json()
    assert body[0]["recipient_id"] == "u1"
    assert body[0]["text"].startswith("Hello! I am Msaidizi")
    assert {"title": "Make a payment", "payload": "start_payment"} in body[0]["buttons"]


async def test_rest_webhook_button_payload_as_message_is_a_tap(client: httpx.AsyncClient) -> None:
    await client.post("/webhooks/rest/webhook", json={"sender": "u2", "message": "menu"})
    response = await client.post("/webhooks/rest/webhook", json={"sender": "u2", "message": "faq"})
    assert response.json()[0]["text"].startswith("Common questions")


async def test_rest_webhook_redelivery_with_message_id_is_harmless(client: httpx.AsyncClient) -> None:
    payload = {"sender": "u3", "message": "how much is a passport", "metadata": {"message_id": "m1"}}
    first = (await client.post("/webhooks/rest/webhook", json=payload)).json()
    second = (await client.post("/webhooks/rest/webhook", json=payload)).json()
    assert first == second
    history = (await client.get("/webchat/history", params={"sender": "u3"})).json()["messages"]
    assert [m["direction"] for m in history] == ["in", "out"]


async def test_page_send_returns_new_messages_and_locale(client: httpx.AsyncClient) -> None:
    response = await client.post("/webchat/send", json={"sender": "p1", "text": "Habari yako", "after": 0})
    data = response.json()
    assert data["locale"] == "sw"
    assert [m["direction"] for m in data["messages"]] == ["in", "out"]
    assert data["messages"][1]["kind"] == "choices"
    after = data["messages"][-1]["seq"]
    more = (await client.post("/webchat/send", json={"sender": "p1", "choice": "faq", "text": "Maswali", "after": after})).json()
    assert [m["seq"] for m in more["messages"]] == [after + 1, after + 2]


async def test_polling_returns_pushed_bot_messages_after_n(runtime: Runtime, client: httpx.AsyncClient) -> None:
    await client.post("/webchat/send", json={"sender": "p2", "text": "hello"})
    await runtime.push("webchat:p2", [TextReply("Your payment was received.")])
    polled = (await client.get("/webchat/messages", params={"sender": "p2", "after": 2})).json()["messages"]
    assert [(m["seq"], m["text"]) for m in polled] == [(3, "Your payment was received.")]
    everything = (await client.get("/webchat/messages", params={"sender": "p2", "after": 0})).json()["messages"]
    assert all(m["direction"] == "out" for m in everything) and len(everything) == 2


async def test_page_is_small_and_self_contained(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert len(response.content) < 100_000
    html = response.text
    assert "http://" not in html.replace('"http', "").split("<script>")[0]
    assert "<link" not in html and "src=" not in html  # no external CDN, no extra requests


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/webhooks/rest/webhook", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
        ("post", "/webhooks/rest/webhook", {"json": {"message": "hi"}}),
        ("post", "/webhooks/rest/webhook", {"json": {"sender": "bad sender!", "message": "hi"}}),
        ("post", "/webhooks/rest/webhook", {"json": {"sender": "u", "message": "x" * 20_001}}),
        ("post", "/webhooks/rest/webhook", {"json": ["not", "an", "object"]}),
        ("post", "/webchat/send", {"json": {"sender": "u", "after": -1}}),
        ("get", "/webchat/messages", {"params": {"sender": "<script>"}}),
        ("get", "/webchat/messages", {"params": {"sender": "u", "after": "abc"}}),
        ("post", "/model/parse", {"json": {"text": "hi", "lang": "fr"}}),
        ("post", "/model/parse", {"content": b"", "headers": {"content-type": "application/json"}}),
    ],
    ids=["invalid-json", "no-sender", "bad-sender", "too-long", "array", "negative-after",
         "script-sender", "non-numeric-after", "bad-lang", "empty-body"],
)
async def test_bad_requests_get_clear_4xx(client: httpx.AsyncClient, method: str, path: str, kwargs: dict) -> None:
    response = await getattr(client, method)(path, **kwargs)
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀", "\x00\x01", "<script>alert('x')</script>", "<b>bold</b> passport", "y" * 10_000],
    ids=["empty", "spaces", "emoji", "control", "script", "html", "10k"],
)
async def test_odd_messages_get_polite_replies(client: httpx.AsyncClient, text: str) -> None:
    response = await client.post("/webhooks/rest/webhook", json={"sender": "odd", "message": text})
    assert response.status_code == 200
    assert response.json()[0]["text"]


def test_websocket_delivers_pushes_and_replies_live(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge
) -> None:
    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    with LiveServer(create_bot_app(runtime)) as server:
        httpx.post(f"{server.url}/webchat/send", json={"sender": "ws1", "text": "hello"}, timeout=10)
        ws_url = server.url.replace("http", "ws") + "/webchat/ws?sender=ws1&after=2"
        with connect(ws_url, open_timeout=10) as socket:
            server.call(runtime.push("webchat:ws1", [TextReply("An agent has replied.")]))
            pushed = json.loads(socket.recv(timeout=10))
            assert (pushed["seq"], pushed["text"]) == (3, "An agent has replied.")
            # a reply given on another device of the same conversation shows up too
            httpx.post(f"{server.url}/webchat/send", json={"sender": "ws1", "text": "thanks"}, timeout=10)
            reply = json.loads(socket.recv(timeout=10))
            assert reply["seq"] == 5 and reply["direction"] == "out"
