"""Channel drivers: one citizen message in through a channel's real inbound path, what they see out.

* web chat: `POST /webchat/send` on the assistant's app;
* Telegram: an update posted to `/webhooks/telegram` with the secret header (webhook mode) or
  queued at the Bot API stand-in for our long poller (polling mode); replies are read from the
  stand-in's recorded `sendMessage` calls;
* WhatsApp: a notification signed with the app secret posted to `/webhooks/whatsapp`; replies
  are read from the Graph API stand-in.

`ChannelDialog` plays the same per-locale dialog tables as `DialogHarness` over any driver.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from bot.app import Runtime, build_runtime
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_inbound import SECRET_HEADER
from bot.channels.web import PushChannel, create_bot_app
from bot.channels.whatsapp import SIGNATURE_HEADER, WhatsAppChannel
from bot.config import BotSettings, TelegramSettings, WhatsAppSettings
from bot.knowledge.live import LiveKnowledge
from bot.storage.models import MessageRow
from bot.storage.web_sessions import SqlWebSessions
from tests.helpers.server import LiveServer
from tests.helpers.standins.graph import GraphStandIn
from tests.helpers.standins.telegram import TelegramStandIn, strip_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TELEGRAM_SECRET = "s3cret-Token_for-tests"
WHATSAPP_APP_SECRET = "whatsapp-app-secret-for-tests"
WHATSAPP_VERIFY_TOKEN = "verify-token-for-tests"
_counter = itertools.count(1)

Step = tuple[str, str | Sequence[str]]


def load_fixture(name: str) -> dict[str, Any]:
    """Load a recorded payload from tests/fixtures (e.g. "telegram/message_text.json")."""
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


@dataclass
class Shown:
    """What the citizen sees after one message: the texts, and the options they can tap."""

    text: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (title, payload)

    @property
    def payloads(self) -> list[str]:
        return [payload for _, payload in self.options]


class ChannelDriver(Protocol):
    channel: str
    sender_id: str

    async def say(self, text: str) -> Shown: ...

    async def tap(self, index: int) -> Shown: ...


# ---------------------------------------------------------------- stand-in servers
@pytest.fixture(scope="module")
def telegram_api() -> Iterator[TelegramStandIn]:
    """Serve a Bot API stand-in on loopback for the test module."""
    standin = TelegramStandIn()
    with LiveServer(standin.app) as server:
        standin.url = server.url
        yield standin
        standin.closing = True  # release a long poll that is still waiting


@pytest.fixture(scope="module")
def graph_api() -> Iterator[GraphStandIn]:
    """Serve a Graph API stand-in on loopback for the test module."""
    standin = GraphStandIn()
    with LiveServer(standin.app) as server:
        standin.url = server.url
        yield standin


# ---------------------------------------------------------------- settings and the app
def channel_settings(base: BotSettings, telegram_url: str, graph_url: str, *,
                     mode: str = "webhook", template: str | None = None,
                     telegram: TelegramStandIn | None = None,
                     graph: GraphStandIn | None = None) -> BotSettings:
    """Return `base` with both channels configured against the stand-ins."""
    telegram = telegram or TelegramStandIn()
    graph = graph or GraphStandIn()
    return base.model_copy(update={
        "telegram": TelegramSettings(
            token=SecretStr(telegram.token), webhook_secret=SecretStr(TELEGRAM_SECRET),
            mode=mode, api_base_url=telegram_url, poll_timeout_seconds=1),  # type: ignore[arg-type]
        "whatsapp": WhatsAppSettings(
            access_token=SecretStr(graph.token), app_secret=SecretStr(WHATSAPP_APP_SECRET),
            verify_token=SecretStr(WHATSAPP_VERIFY_TOKEN), phone_number_id=graph.phone_number_id,
            api_base_url=graph_url, api_version=graph.version, template_name=template,
            template_language="en"),
    })


@dataclass
class ChannelApp:
    """The assistant's app with both channels, and a client that talks to it like the platforms."""

    runtime: Runtime
    client: httpx.AsyncClient
    telegram: TelegramChannel
    whatsapp: WhatsAppChannel


@asynccontextmanager
async def channel_app(settings: BotSettings, knowledge: LiveKnowledge, *,
                      lifespan: bool = True) -> AsyncIterator[ChannelApp]:
    """Run the app (with its start-up and shut-down when `lifespan`) on a fresh runtime."""
    runtime = build_runtime(settings, migrate=False, knowledge=knowledge)
    telegram = TelegramChannel(runtime, settings.telegram)
    whatsapp = WhatsAppChannel(runtime, settings.whatsapp)
    channels: list[PushChannel] = [telegram, whatsapp]
    app = create_bot_app(runtime, channels=channels)
    # like a platform, the client sees a 500 when a turn fails, not the exception
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://msaidizi.test") as client:
        if lifespan:
            async with app.router.lifespan_context(app):
                yield ChannelApp(runtime, client, telegram, whatsapp)
        else:
            try:
                yield ChannelApp(runtime, client, telegram, whatsapp)
            finally:
                await runtime.close()
                await telegram.close()
                await whatsapp.close()


async def delivery_states(runtime: Runtime, conversation_id: str) -> list[dict[str, Any]]:
    """Return each outbound message's text, delivery status, attempts and last error."""
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            sa.select(MessageRow.body, MessageRow.delivery, MessageRow.attempts,
                      MessageRow.last_error)
            .where(MessageRow.conversation_id == conversation_id, MessageRow.direction == "out")
            .order_by(MessageRow.seq))
        return [{"text": body.get("text"), "delivery": delivery, "attempts": attempts,
                 "error": error} for body, delivery, attempts, error in rows]


# ---------------------------------------------------------------- web chat
class WebchatDriver:
    channel = "webchat"

    def __init__(self, client: httpx.AsyncClient, runtime: Runtime,
                 locale: str | None = None) -> None:
        self.client = client
        self.runtime = runtime
        self.locale = locale  # the browser's language, as the page sends it
        self.sender_id = ""  # the server chooses it with the session
        self._after = 0
        self._options: list[tuple[str, str]] = []

    async def say(self, text: str) -> Shown:
        return await self._send({"text": text})

    async def tap(self, index: int) -> Shown:
        title, payload = self._options[index]
        return await self._send({"text": title, "choice": payload})

    async def _send(self, fields: dict[str, Any]) -> Shown:
        if "msz_chat" not in self.client.cookies:  # the page starts its session first
            await self.client.post("/webchat/session")
            sessions = SqlWebSessions(self.runtime.engine)
            self.sender_id = await sessions.sender_for(self.client.cookies["msz_chat"]) or ""
        hint = {"locale": self.locale} if self.locale else {}
        response = await self.client.post(
            "/webchat/send", json={"after": self._after, **hint, **fields})
        assert response.status_code == 200, response.text
        messages = response.json()["messages"]
        self._after = max([self._after] + [m["seq"] for m in messages])
        lines: list[str] = []
        options: list[tuple[str, str]] = []
        for message in (m for m in messages if m["direction"] == "out"):
            lines.append(message["text"])
            choices = [(c["title"], c["payload"]) for c in message.get("choices", [])]
            lines += [title for title, _ in choices]
            options = choices or options
            if message.get("url"):
                lines.append(message["url"])
        self._options = options or self._options
        return Shown("\n".join(lines), options)


class RestDriver:
    """A Rasa REST widget without a page session: the replies come back in the response."""

    channel = "rest"

    def __init__(self, client: httpx.AsyncClient, locale: str | None = None) -> None:
        self.client = client
        self.locale = locale
        self.sender_id = f"+2547{next(_counter):08d}"
        self._options: list[tuple[str, str]] = []

    async def say(self, text: str) -> Shown:
        metadata = {"locale": self.locale} if self.locale else {}
        response = await self.client.post("/webhooks/rest/webhook", json={
            "sender": self.sender_id, "message": text, "metadata": metadata})
        assert response.status_code == 200, response.text
        lines: list[str] = []
        options: list[tuple[str, str]] = []
        for message in response.json():
            lines.append(str(message.get("text", "")))
            choices = [(b["title"], b["payload"]) for b in message.get("buttons", [])]
            lines += [title for title, _ in choices]
            options = choices or options
        self._options = options or self._options
        return Shown("\n".join(lines), options)

    async def tap(self, index: int) -> Shown:
        return await self.say(self._options[index][1])  # the widget sends the payload as text


# ---------------------------------------------------------------- Telegram
def telegram_message_update(chat_id: int, text: str, language_code: str | None) -> dict[str, Any]:
    """Build a private-chat text message update from the recorded fixture."""
    update = load_fixture("telegram/message_text.json")
    message = update["message"]
    message["message_id"] = next(_counter)
    message["date"] = int(time.time())
    message["chat"]["id"] = message["from"]["id"] = chat_id
    message["text"] = text
    if language_code:
        message["from"]["language_code"] = language_code
    else:
        message["from"].pop("language_code", None)
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return update


def telegram_callback_update(chat_id: int, data: str, message: dict[str, Any],
                             language_code: str | None) -> dict[str, Any]:
    """Build the callback query Telegram sends when a button of `message` is tapped."""
    update = load_fixture("telegram/callback_query.json")
    query = update["callback_query"]
    query["id"] = f"cq{next(_counter)}"
    query["from"]["id"] = chat_id
    if language_code:
        query["from"]["language_code"] = language_code
    query["data"] = data
    query["message"] = copy.deepcopy(message)
    return update


class TelegramDriver:
    """A Telegram citizen: updates go in by webhook or through getUpdates (polling)."""

    channel = "telegram"

    def __init__(self, standin: TelegramStandIn, *, client: httpx.AsyncClient | None = None,
                 polling: bool = False, language_code: str | None = None) -> None:
        self.standin = standin
        self.client = client
        self.polling = polling
        self.language_code = language_code
        self.chat_id = 700_000_000 + next(_counter)
        self.sender_id = str(self.chat_id)
        self._seen = len(standin.all_calls())
        self._keyboard_message: dict[str, Any] | None = None
        self._options: list[tuple[str, str]] = []

    async def say(self, text: str) -> Shown:
        return await self.deliver(telegram_message_update(self.chat_id, text, self.language_code))

    async def tap(self, index: int) -> Shown:
        assert self._keyboard_message is not None, "no inline keyboard to tap"
        _, data = self._options[index]
        return await self.deliver(telegram_callback_update(
            self.chat_id, data, self._keyboard_message, self.language_code))

    async def deliver(self, update: dict[str, Any]) -> Shown:
        """Send an update the way the configured mode receives it, then read the replies."""
        if self.polling:
            update_id = self.standin.add_update(update)
            await self.standin.wait_confirmed(update_id)
        else:
            assert self.client is not None
            update["update_id"] = self.standin.next_update_id()
            response = await self.client.post("/webhooks/telegram", json=update,
                                              headers={SECRET_HEADER: TELEGRAM_SECRET})
            assert response.status_code == 200, response.text
        return self.collect()

    def collect(self) -> Shown:
        """Return what was sent to this chat since the last call."""
        calls = self.standin.all_calls()
        new, self._seen = calls[self._seen:], len(calls)
        lines: list[str] = []
        options: list[tuple[str, str]] = []
        for call in new:
            if call.method != "sendMessage" or str(call.params.get("chat_id")) != self.sender_id:
                continue
            lines.append(strip_html(str(call.params["text"])))
            markup = call.params.get("reply_markup") or {}
            buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
            lines += [b["text"] for b in buttons]
            taps = [(b["text"], b["callback_data"]) for b in buttons if "callback_data" in b]
            if taps:
                options = taps
                self._keyboard_message = {
                    "message_id": next(_counter), "date": int(time.time()),
                    "chat": {"id": self.chat_id, "type": "private"},
                    "from": self.standin.bot_user, "text": lines[-len(buttons) - 1],
                    "reply_markup": markup}
        self._options = options or self._options
        return Shown("\n".join(lines), options)


# ---------------------------------------------------------------- WhatsApp
def sign(body: bytes, secret: str = WHATSAPP_APP_SECRET) -> str:
    """Return the X-Hub-Signature-256 value Meta sends for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def whatsapp_notification(fixture: str, wa_id: str, *, wamid: str | None = None,
                          timestamp: int | None = None, **fields: Any) -> dict[str, Any]:
    """Build a notification from a recorded fixture for another citizen and message id."""
    data = load_fixture(f"whatsapp/{fixture}.json")
    value = data["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = wa_id
    message = value["messages"][0]
    message["from"] = wa_id
    message["id"] = wamid or f"wamid.test{uuid.uuid4().hex}"
    message["timestamp"] = str(timestamp or int(time.time()))
    for key, content in fields.items():
        message[key] = content
    return data


class WhatsAppDriver:
    """A WhatsApp citizen: signed notifications in, Graph API stand-in messages out."""

    channel = "whatsapp"

    def __init__(self, client: httpx.AsyncClient, standin: GraphStandIn) -> None:
        self.client = client
        self.standin = standin
        self.sender_id = f"2547{next(_counter):08d}"
        self._seen = 0
        self._interactive: dict[str, Any] | None = None
        self._options: list[tuple[str, str]] = []

    async def say(self, text: str) -> Shown:
        return await self.post(whatsapp_notification(
            "text", self.sender_id, type="text", text={"body": text}))

    async def tap(self, index: int) -> Shown:
        if self._interactive is None:
            return await self.say(str(index + 1))  # numbered text: type the number
        title, payload = self._options[index]
        kind = "button_reply" if self._interactive["type"] == "button" else "list_reply"
        interactive = {"type": kind, kind: {"id": payload, "title": title}}
        return await self.post(whatsapp_notification(
            "button_reply", self.sender_id, type="interactive", interactive=interactive))

    async def post(self, notification: dict[str, Any]) -> Shown:
        body = json.dumps(notification).encode()
        response = await self.client.post(
            "/webhooks/whatsapp", content=body,
            headers={"content-type": "application/json", SIGNATURE_HEADER: sign(body)})
        assert response.status_code == 200, response.text
        return self.collect()

    def collect(self) -> Shown:
        sent = self.standin.sent(self.sender_id)
        new, self._seen = sent[self._seen:], len(sent)
        lines = [line for message in new for line in shown_lines(message)]
        interactive = [m["interactive"] for m in new if m["type"] == "interactive"]
        options = interactive_options(interactive[-1]) if interactive else []
        if new:  # a later message without buttons leaves only numbers to type
            self._interactive = interactive[-1] if interactive else None
            self._options = options
        return Shown("\n".join(lines), options)


def interactive_options(interactive: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (title, id) of the buttons or rows of an interactive message."""
    action = interactive["action"]
    if interactive["type"] == "button":
        return [(b["reply"]["title"], b["reply"]["id"]) for b in action["buttons"]]
    return [(r["title"], r["id"]) for s in action["sections"] for r in s["rows"]]


def shown_lines(message: dict[str, Any]) -> list[str]:
    """Return the lines a WhatsApp user sees for one message."""
    kind = message["type"]
    if kind == "text":
        return [message["text"]["body"]]
    if kind == "template":
        return [p["text"] for c in message["template"]["components"] for p in c["parameters"]]
    interactive = message["interactive"]
    lines = [interactive["body"]["text"]]
    if interactive["type"] == "list":
        lines.append(interactive["action"]["button"])
        for section in interactive["action"]["sections"]:
            for row in section["rows"]:
                lines += [row["title"]] + ([row["description"]] if "description" in row else [])
    else:
        lines += [b["reply"]["title"] for b in interactive["action"]["buttons"]]
    return lines


# ---------------------------------------------------------------- dialog tables
@dataclass
class ChannelDialog:
    """Plays dialog tables over a channel driver; expected texts are translated msgids."""

    driver: ChannelDriver
    runtime: Runtime
    transcript: list[tuple[str, Shown]] = field(default_factory=list)

    async def say(self, text: str) -> Shown:
        shown = await self.driver.say(text)
        self.transcript.append((text, shown))
        return shown

    async def tap(self, index: int) -> Shown:
        shown = await self.driver.tap(index)
        self.transcript.append((f"[tap {index + 1}]", shown))
        return shown

    def expected(self, locale: str, msgid: str) -> str:
        translated = self.runtime.translations.for_locale(locale).gettext(msgid)
        return translated.split("%(")[0].strip()

    def check(self, locale: str, shown: Shown, expectation: str | Sequence[str]) -> None:
        wanted = [expectation] if isinstance(expectation, str) else list(expectation)
        for msgid in wanted:
            text = self.expected(locale, msgid)
            assert text in shown.text, (
                f"[{self.driver.channel}] expected {text!r} ({locale}) in:\n{shown.text}\n\n"
                f"transcript: {self.transcript}")

    async def run(self, locale: str, steps: Sequence[Step]) -> None:
        for user_says, expectation in steps:
            self.check(locale, await self.say(user_says), expectation)

    @property
    def last(self) -> Shown:
        return self.transcript[-1][1]

    @property
    def conversation_id(self) -> str:
        return f"{self.driver.channel}:{self.driver.sender_id}"


def driver_for(channel: str, app: ChannelApp, telegram_api: TelegramStandIn,
               graph_api: GraphStandIn, *, hint: str | None = None,
               polling: bool = False) -> ChannelDriver:
    """Return the citizen's driver for `channel`, with the client's language `hint` if any."""
    if channel == "webchat":
        return WebchatDriver(app.client, app.runtime, locale=hint)
    if channel == "rest":
        return RestDriver(app.client, locale=hint)
    if channel.startswith("telegram"):
        return TelegramDriver(telegram_api, client=app.client, polling=polling,
                              language_code=hint.split("-")[0] if hint else None)
    return WhatsAppDriver(app.client, graph_api)
