"""rasa-webchat's socket.io protocol: session, utterances, quick replies and pushes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from bot.app import Runtime, build_runtime, redis_names
from bot.channels.socketio_channel import SocketIOChannel, SocketIOSender
from bot.channels.web import create_bot_app
from bot.config import BotSettings
from bot.core.messages import TextReply
from bot.core.session import Session
from bot.knowledge.live import LiveKnowledge
from tests.conftest import REPO
from tests.helpers.server import LiveServer


@pytest.fixture
def served(bot_settings: BotSettings,
           fixture_knowledge: LiveKnowledge) -> Iterator[tuple[LiveServer, Runtime]]:
    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    with LiveServer(create_bot_app(runtime)) as live:
        yield live, runtime


class Widget:
    """A socket.io client doing what rasa-webchat does."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.said: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.session: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.client.on("bot_uttered", self.said.put_nowait)
        self.client.on("session_confirm", self._confirmed)

    def _confirmed(self, session_id: str) -> None:
        if not self.session.done():
            self.session.set_result(session_id)

    async def open(self, url: str, session_id: str | None = None) -> str:
        await self.client.connect(url, socketio_path="socket.io", transports=["websocket"])
        await self.client.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.session, 10)

    async def next(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.said.get(), 10)


async def test_a_widget_chats_taps_a_quick_reply_and_receives_a_push(
    served: tuple[LiveServer, Runtime],
) -> None:
    live, _ = served
    widget = Widget()
    session_id = await widget.open(live.url, "7f3c2a9e-1b4d-4e8a-9c61-0d2f5e8b7a14")
    assert session_id == "7f3c2a9e-1b4d-4e8a-9c61-0d2f5e8b7a14"  # the widget's own UUID kept
    await widget.client.emit("user_uttered", {"message": "hello", "session_id": session_id})
    greeting = await widget.next()
    assert greeting["text"].startswith("Hello! I am Msaidizi")
    menu = {q["title"]: q["payload"] for q in greeting["quick_replies"]}
    assert all(q["content_type"] == "text" for q in greeting["quick_replies"])
    await widget.client.emit("user_uttered", {"message": menu["Make a payment"],
                                              "session_id": session_id})
    assert (await widget.next())["text"]  # the tapped payload is taken as a tap
    await widget.client.disconnect()


async def test_a_push_reaches_the_widgets_session_and_a_new_widget_gets_its_own(
    served: tuple[LiveServer, Runtime],
) -> None:
    live, runtime = served
    widget = Widget()
    session_id = await widget.open(live.url)
    assert len(session_id) == 32  # none asked for: a new one
    await widget.client.emit("user_uttered", {"message": "hi", "session_id": session_id})
    await widget.next()
    assert live.loop is not None  # the push runs where the server's connections live
    await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(
        runtime.push(f"socketio:{session_id}", [TextReply("Achieng (eCitizen support): hi")]),
        live.loop))
    assert (await widget.next())["text"] == "Achieng (eCitizen support): hi"
    other = Widget()
    assert await other.open(live.url, "bad id with spaces") != "bad id with spaces"
    guessable = Widget()  # a short id could be guessed, and pushes go to its room
    assert await guessable.open(live.url, "user1") != "user1"
    await guessable.client.disconnect()
    await widget.client.disconnect()
    await other.client.disconnect()


async def test_odd_events_get_nothing_and_the_channel_stays_up(
    served: tuple[LiveServer, Runtime],
) -> None:
    live, _ = served
    stranger = Widget()
    await stranger.client.connect(live.url, socketio_path="socket.io", transports=["websocket"])
    for data in ({"message": "hi"}, "not a dict", {"message": 12}, None):
        await stranger.client.emit("user_uttered", data)  # no session asked for first
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(stranger.said.get(), 1.0)
    await stranger.client.emit("session_request", {"session_id": None})
    await asyncio.wait_for(stranger.session, 10)
    await stranger.client.emit("user_uttered", {"message": "x" * 30_000})  # too long: ignored
    await stranger.client.emit("user_uttered", {"message": "hello"})
    assert (await stranger.next())["text"].startswith("Hello! I am Msaidizi")
    await stranger.client.disconnect()


@pytest.mark.redis
async def test_a_message_behind_a_held_lock_gets_a_reason_and_nothing_is_stored(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge, redis_url: str,
    redis_client: object,
) -> None:
    from redis.asyncio import Redis

    assert isinstance(redis_client, Redis)
    settings = bot_settings.model_copy(update={"redis_url": redis_url, "conversation_wait": 0.3})
    runtime = build_runtime(settings, migrate=False, knowledge=fixture_knowledge)
    session_id = "0b6a3c1e-5d2f-4a7b-8c9d-1e2f3a4b5c6d"
    with LiveServer(create_bot_app(runtime)) as live:  # its shutdown closes the runtime
        widget = Widget()
        await widget.open(live.url, session_id)
        await widget.client.emit("user_uttered", {"message": "habari, nataka pasipoti"})
        await widget.next()  # the chat is in Swahili now
        await redis_client.set(redis_names(settings).lock(f"socketio:{session_id}"),
                               "dead worker", px=10_000)
        await widget.client.emit("user_uttered", {"message": "bei ni ngapi"})
        busy = runtime.translations.for_locale("sw").gettext(
            "Your previous message is still being handled. Please send this one again in a "
            "moment.")
        said = (await widget.next())["text"]
        while said != busy:  # what is left of the first turn's replies comes first
            said = (await widget.next())["text"]
        assert not busy.startswith("Your")  # in the chat's language
        await widget.client.disconnect()
    reader = build_runtime(settings, migrate=False, knowledge=fixture_knowledge)
    stored = await reader.store.messages_after(f"socketio:{session_id}", 0)
    assert "bei ni ngapi" not in [m.body.get("text") for m in stored]  # nothing half-taken
    await reader.close()


def test_a_start_imports_neither_python_socketio_nor_redis(tmp_path: Path) -> None:
    """Most workers never see a widget: the server is built at first use (and Redis's client
    only where a deployment uses Redis)."""
    script = ("import sys; from bot.combined import create_combined_app, load_process_settings; "
              "create_combined_app(load_process_settings()); "
              "print(sorted(m for m in ('socketio', 'engineio', 'redis') if m in sys.modules))")
    env = {**os.environ, "MSAIDIZI_DATA_DIR": str(tmp_path), "MSAIDIZI_LOG_LEVEL": "ERROR"}
    env.pop("MSAIDIZI_REDIS_URL", None)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True, timeout=300, cwd=REPO).stdout
    assert out.strip().splitlines()[-1] == "[]"


async def test_a_push_before_any_widget_connected_builds_the_server(
        bot_settings: BotSettings, fixture_knowledge: LiveKnowledge) -> None:
    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    socket = SocketIOChannel(runtime)
    session = Session(conversation_id="socketio:" + "a" * 32, channel="socketio",
                      sender_id="a" * 32)
    await SocketIOSender(socket).send(session, TextReply("Achieng (eCitizen support): hi"))
    assert isinstance(socket.server, socketio.AsyncServer)  # built once, by the push
    await runtime.close()
