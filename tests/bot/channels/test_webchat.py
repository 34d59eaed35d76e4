"""The web chat channel over HTTP: REST webhook, page API, history, polling, live push."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from bot.app import Runtime, build_runtime
from bot.channels.web import create_bot_app
from bot.config import BotSettings
from bot.core.messages import TextReply
from bot.knowledge.live import LiveKnowledge
from bot.storage.web_sessions import SqlWebSessions
from tests.helpers.server import LiveServer


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """A browser with a web chat session (its cookie)."""
    app = create_bot_app(runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        assert (await http.post("/webchat/session")).json() == {"new": True}
        yield http


async def sender_of(client: httpx.AsyncClient | httpx.Client, runtime: Runtime) -> str:
    """Return the sender id the server gave this browser's session (tests only)."""
    sender = await SqlWebSessions(runtime.engine).sender_for(client.cookies["msz_chat"])
    assert sender is not None
    return sender


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


async def test_rest_webhook_redelivery_with_message_id_is_harmless(runtime: Runtime) -> None:
    transport = httpx.ASGITransport(app=create_bot_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as rest:
        payload = {"sender": "u3", "message": "how much is a passport",
                   "metadata": {"message_id": "m1"}}
        first = (await rest.post("/webhooks/rest/webhook", json=payload)).json()
        second = (await rest.post("/webhooks/rest/webhook", json=payload)).json()
    assert first == second
    history = await runtime.store.messages_after("rest:u3", 0)
    assert [m.direction for m in history] == ["in", "out"]


async def test_page_send_returns_new_messages_and_locale(client: httpx.AsyncClient) -> None:
    response = await client.post("/webchat/send", json={"text": "Habari yako", "after": 0})
    data = response.json()
    assert data["locale"] == "sw"
    assert [m["direction"] for m in data["messages"]] == ["in", "out"]
    assert data["messages"][1]["kind"] == "choices"
    after = data["messages"][-1]["seq"]
    more = (await client.post("/webchat/send", json={"choice": "faq", "text": "Maswali", "after": after})).json()
    assert [m["seq"] for m in more["messages"]] == [after + 1, after + 2]


async def test_polling_returns_pushed_bot_messages_after_n(runtime: Runtime, client: httpx.AsyncClient) -> None:
    await client.post("/webchat/send", json={"text": "hello"})
    sender = await sender_of(client, runtime)
    await runtime.push(f"webchat:{sender}", [TextReply("Your payment was received.")])
    polled = (await client.get("/webchat/messages", params={"after": 2})).json()["messages"]
    assert [(m["seq"], m["text"]) for m in polled] == [(3, "Your payment was received.")]
    everything = (await client.get("/webchat/messages", params={"after": 0})).json()["messages"]
    assert all(m["direction"] == "out" for m in everything) and len(everything) == 2


async def test_page_is_small_and_runs_no_inline_code(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    html = response.text
    assets = [(await client.get(f"/webchat/static/{name}")) for name in ("webchat.js", "webchat.css")]
    assert all(a.status_code == 200 for a in assets)
    assert len(response.content) + sum(len(a.content) for a in assets) < 100_000
    assert "<script>" not in html and "<style>" not in html and " style=" not in html
    assert "http://" not in html and "https://" not in html  # no CDN: one origin only
    assert (await client.get("/webchat/static/other.js")).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/webhooks/rest/webhook", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
        ("post", "/webhooks/rest/webhook", {"json": {"message": "hi"}}),
        ("post", "/webhooks/rest/webhook", {"json": {"sender": "bad\u0000sender", "message": "hi"}}),
        ("post", "/webhooks/rest/webhook", {"json": {"sender": "u", "message": "x" * 20_001}}),
        ("post", "/webhooks/rest/webhook", {"json": ["not", "an", "object"]}),
        ("post", "/webchat/send", {"json": {"after": -1}}),
        ("post", "/webchat/send", {"json": {"after": 2**63}}),
        ("get", "/webchat/messages", {"params": {"after": 2**63}}),
        ("get", "/webchat/messages", {"params": {"after": "abc"}}),
        ("post", "/model/parse", {"json": {"text": "hi", "lang": "fr"}}),
        ("post", "/model/parse", {"content": b"", "headers": {"content-type": "application/json"}}),
    ],
    ids=["invalid-json", "no-sender", "bad-sender", "too-long", "array", "negative-after",
         "huge-after", "huge-after-get", "non-numeric-after", "bad-lang", "empty-body"],
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
    with LiveServer(create_bot_app(runtime)) as server, httpx.Client(base_url=server.url,
                                                                      timeout=10) as page:
        page.post("/webchat/session")
        page.post("/webchat/send", json={"text": "hello"})
        sender = server.call(sender_of(page, runtime))
        ws_url = server.url.replace("http", "ws") + "/webchat/ws?after=2"
        cookie = f"msz_chat={page.cookies['msz_chat']}"
        with connect(ws_url, open_timeout=10, additional_headers={"Cookie": cookie}) as socket:
            server.call(runtime.push(f"webchat:{sender}", [TextReply("An agent has replied.")]))
            pushed = json.loads(socket.recv(timeout=10))
            assert (pushed["seq"], pushed["text"]) == (3, "An agent has replied.")
            # a reply given on another device of the same conversation shows up too
            page.post("/webchat/send", json={"text": "thanks"})
            reply = json.loads(socket.recv(timeout=10))
            assert reply["seq"] == 5 and reply["direction"] == "out"
            # an agent writing is a passing state: shown to the page, stored nowhere
            server.call(runtime.show_typing(f"webchat:{sender}", "Achieng"))
            assert json.loads(socket.recv(timeout=10)) == {"signal": "typing", "name": "Achieng"}
        from websockets.exceptions import InvalidStatus

        with pytest.raises(InvalidStatus), connect(ws_url, open_timeout=10) as stranger:
            stranger.recv(timeout=5)  # no cookie: the handshake is refused


def test_a_pushed_message_reaches_the_page_without_a_database_read(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.notify.pushes import logged
    from common.timezone import utcnow

    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    reads: list[int] = []
    read = runtime.store.messages_after

    async def counted(conversation_id: str, after: int, **options: Any) -> Any:
        reads.append(after)
        return await read(conversation_id, after, **options)

    monkeypatch.setattr(runtime.store, "messages_after", counted)
    with LiveServer(create_bot_app(runtime)) as server, httpx.Client(base_url=server.url,
                                                                      timeout=10) as page:
        page.post("/webchat/session")
        page.post("/webchat/send", json={"text": "hello"})
        cid = f"webchat:{server.call(sender_of(page, runtime))}"
        ws_url = server.url.replace("http", "ws") + "/webchat/ws?after=2"
        cookie = f"msz_chat={page.cookies['msz_chat']}"
        with connect(ws_url, open_timeout=10, additional_headers={"Cookie": cookie}) as socket:
            server.call(runtime.push(cid, [TextReply("Your payment was received.")]))
            pushed = json.loads(socket.recv(timeout=10))
            assert (pushed["seq"], pushed["text"]) == (3, "Your payment was received.")
            reads_before = len(reads)
            server.call(runtime.push(cid, [TextReply("Receipt KE-1."), TextReply("Thanks!")]))
            assert [json.loads(socket.recv(timeout=10))["seq"] for _ in range(2)] == [4, 5]
            assert len(reads) == reads_before  # carried by the announcement, nothing read

            # another worker's push this page missed: the next announcement shows a gap
            server.call(runtime.store.append_outbound(cid, [TextReply("missed")]))
            replies, now = [TextReply("after the gap")], utcnow()
            seqs = server.call(runtime.store.append_outbound(cid, replies, now=now))
            server.call(runtime.signal.publish(cid, runtime.announcer.note(
                logged(seqs, replies, now))))
            assert [json.loads(socket.recv(timeout=10))["text"] for _ in range(2)] == [
                "missed", "after the gap"]  # read back in order, none lost
            assert reads[-1] == 5

            # whoever can publish on Redis cannot put an unstored message on the page
            from bot.core.presence import Announcer

            forged = Announcer.from_secret("not the workers' key").note(logged(
                [8], [TextReply("Pay the fee to till 999999")], utcnow()))
            assert forged is not None
            server.call(runtime.signal.publish(cid, forged))
            server.call(runtime.push(cid, [TextReply("A real reply.")]))
            assert json.loads(socket.recv(timeout=10))["text"] == "A real reply."
        history = page.get("/webchat/history").json()["messages"]
        kept = next(m for m in history if m["seq"] == 3)
        assert kept["created_at"] == pushed["created_at"]  # the same moment either way


async def test_a_sender_id_alone_reads_nothing(runtime: Runtime, client: httpx.AsyncClient) -> None:
    await client.post("/webchat/send", json={"text": "hello"})
    sender = await sender_of(client, runtime)
    transport = httpx.ASGITransport(app=create_bot_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as stranger:
        for path in ("/webchat/history", "/webchat/messages"):
            refused = await stranger.get(path, params={"sender": sender})
            assert refused.status_code == 401
        replies = (await stranger.post("/webhooks/rest/webhook",
                                       json={"sender": sender, "message": "my data"})).json()
        assert all("hello" not in r["text"] for r in replies)
    assert [m.direction for m in await runtime.store.messages_after(f"rest:{sender}", 0)]
    theirs = await runtime.store.messages_after(f"webchat:{sender}", 0)
    assert len(theirs) == 2  # the stranger's words landed in a conversation of their own


async def test_rest_without_the_cookie_cannot_link_an_account(client: httpx.AsyncClient) -> None:
    replies = (await client.post("/webhooks/rest/webhook", headers={"Cookie": ""},
                                 json={"sender": "r1", "message": "link my account"})).json()
    assert any("cannot link an eCitizen account over this connection" in r["text"]
               for r in replies)


async def test_end_session_erases_the_chat_and_forgets_the_cookie(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await client.post("/webchat/send", json={"text": "my ID is 12345678 and my phone 0712345678"})
    sender = await sender_of(client, runtime)
    stored = await runtime.store.messages_after(f"webchat:{sender}", 0)
    assert "12345678" not in stored[0].body["text"] and "0712345678" not in stored[0].body["text"]
    ended = await client.post("/webchat/end")
    assert ended.json() == {"ended": True}
    assert "msz_chat" not in client.cookies
    left = await runtime.store.messages_after(f"webchat:{sender}", 0)
    assert all(m.direction == "out" for m in left) and len(left) == 1  # only "Session ended"
    assert (await client.get("/webchat/history")).status_code == 401
    assert (await client.post("/webchat/session")).json() == {"new": True}  # a fresh one


async def test_a_flood_is_answered_once_and_stored_not_at_all(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    statuses = []
    for n in range(45):
        body = (await client.post("/webchat/send", json={"text": f"question {n}"})).json()
        statuses.append(body["messages"][-1]["text"] if body["messages"] else "")
    sender = await sender_of(client, runtime)
    stored = await runtime.store.messages_after(f"webchat:{sender}", 0, limit=1000)
    assert len([m for m in stored if m.direction == "in"]) == 30  # the documented 30/minute


@pytest.mark.parametrize("sender", ["+254712345678", "user 42", 12345, "  padded-id  "])
async def test_rest_takes_every_sender_id_rasa_takes(
    client: httpx.AsyncClient, sender: object
) -> None:
    response = await client.post("/webhooks/rest/webhook",
                                 json={"sender": sender, "message": "hello"})
    assert response.status_code == 200
    [first, *_] = response.json()
    assert first["recipient_id"] == str(sender).strip()
    assert "Msaidizi" in first["text"]


@pytest.mark.parametrize("sender", ["", "   ", "a\nb", "x" * 129, True, None, ["u1"]])
async def test_rest_refuses_sender_ids_no_widget_sends(
    client: httpx.AsyncClient, sender: object
) -> None:
    response = await client.post("/webhooks/rest/webhook",
                                 json={"sender": sender, "message": "hello"})
    assert response.status_code == 422


async def test_a_widget_on_an_allowed_site_may_call_the_rest_channel(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
) -> None:
    settings = bot_settings.model_copy(update={"web": bot_settings.web.model_copy(
        update={"cors_origins": ["https://widget.example.go.ke"]})})
    app = create_bot_app(build_runtime(settings, migrate=False, knowledge=fixture_knowledge))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        preflight = await client.options("/webhooks/rest/webhook", headers={
            "Origin": "https://widget.example.go.ke", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://widget.example.go.ke"
        assert "access-control-allow-credentials" not in preflight.headers
        answered = await client.post("/webhooks/rest/webhook", json={"sender": "w1", "message": "hi"},
                                     headers={"Origin": "https://widget.example.go.ke"})
        assert answered.headers["access-control-allow-origin"] == "https://widget.example.go.ke"
        stranger = await client.post("/webhooks/rest/webhook", json={"sender": "w2", "message": "hi"},
                                     headers={"Origin": "https://elsewhere.example.com"})
        assert "access-control-allow-origin" not in stranger.headers


async def test_no_site_is_allowed_by_default(client: httpx.AsyncClient) -> None:
    preflight = await client.options("/webhooks/rest/webhook", headers={
        "Origin": "https://widget.example.go.ke", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize("path", ["/", "/webchat/static/webchat.js", "/webchat/static/webchat.css"])
async def test_the_page_and_its_files_are_compressed_and_revalidated(
    client: httpx.AsyncClient, path: str,
) -> None:
    first = await client.get(path, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["content-encoding"] == "gzip"
    assert int(first.headers["content-length"]) < len(first.content)  # sent smaller
    again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    plain = await client.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == first.content


@pytest.mark.parametrize(("locale", "hello"), [("en", "Hello! I am Msaidizi"),
                                               ("sw", "Habari! Mimi ni Msaidizi")])
async def test_opening_the_page_greets_without_a_turn(runtime: Runtime, client: httpx.AsyncClient,
                                                      locale: str, hello: str) -> None:
    await client.post("/webchat/session")
    body = (await client.get("/webchat/history", params={"locale": locale})).json()
    [welcome] = body["greeting"]
    assert welcome["text"].startswith(hello) and welcome["kind"] == "choices"
    assert welcome["choices"][0]["payload"] == "check_status"
    assert body["messages"] == [] and body["locale"] is None
    sender = await sender_of(client, runtime)
    assert await runtime.store.load_by_id(f"webchat:{sender}") is None  # nothing stored
    assert await runtime.store.messages_after(f"webchat:{sender}", 0) == []

    # the welcome stays at the top of the whole history, in the conversation's language
    await client.post("/webchat/send", json={"text": "habari yako"})
    again = (await client.get("/webchat/history", params={"locale": "en"})).json()
    assert again["greeting"][0]["text"].startswith("Habari! Mimi ni Msaidizi")
    assert [m["direction"] for m in again["messages"]][:2] == ["in", "out"]
    later = (await client.get("/webchat/history", params={"after": 1})).json()
    assert "greeting" not in later
    refused = await client.get("/webchat/history", params={"locale": "xx"})
    assert refused.status_code == 422
