"""The web chat channel: the page, a Rasa REST-compatible webhook, live push and polling.

Who is chatting is proved by a random token in an HttpOnly, SameSite=Strict cookie (only its
hash is stored), never by the sender id: knowing someone's sender id grants nothing. A REST
client without the cookie speaks in a conversation of its own that cannot reach an account.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import html
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, BeforeValidator, Field

from bot.core.conversation import Conversation
from bot.core.messages import (
    ChoicesReply,
    InboundMessage,
    LinkReply,
    Reply,
    conversation_id,
    reply_to_dict,
)
from bot.core.ports import (
    ConversationStore,
    LoggedMessage,
    MessageSignal,
    Translations,
    WebSessions,
)
from bot.core.presence import Announcer, typing_name
from bot.core.text import N_

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
REST_CHANNEL = "rest"  # REST calls without the session cookie: no account actions
STATIC = Path(__file__).resolve().parent / "static"
PAGE = STATIC / "webchat.html"
ASSETS = {"webchat.js": "text/javascript; charset=utf-8", "webchat.css": "text/css; charset=utf-8"}
# Rasa takes any sender id a widget makes up (a phone with "+", spaces, a number); only
# control characters, blank ids and very long ones are refused.
SENDER_PATTERN = r"^[^\x00-\x1f\x7f]{1,128}$"


def _sender_text(value: object) -> object:
    """Accept a numeric sender id as Rasa does, as text; trim the spaces around it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else value
MAX_MESSAGE = 20_000  # longer bodies get a clear 422; the core reads only the first 1,000 chars
MAX_SEQ = 2**62  # sequence numbers are BIGINT: a larger `after` is refused, never overflows
COOKIE = "msz_chat"
COOKIE_MAX_AGE = 7 * 24 * 3600

After = Annotated[int, Query(ge=0, le=MAX_SEQ)]
PageLocale = Annotated[Literal["en", "sw"] | None, Query()]  # the browser's language


class RestMessage(BaseModel):
    """Rasa REST channel input."""

    sender: Annotated[str, BeforeValidator(_sender_text)] = Field(pattern=SENDER_PATTERN)
    message: str = Field(default="", max_length=MAX_MESSAGE)
    metadata: dict[str, Any] | None = None


class SendRequest(BaseModel):
    """A message from the chat page; `after` is the last sequence number the page has shown."""

    text: str = Field(default="", max_length=MAX_MESSAGE)
    choice: str | None = Field(default=None, max_length=64)
    client_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    after: int = Field(default=0, ge=0, le=MAX_SEQ)
    locale: str | None = Field(default=None, max_length=10)


def rasa_output(sender: str, reply: Reply) -> dict[str, Any]:
    """Render one reply in Rasa's REST channel shape."""
    out: dict[str, Any] = {"recipient_id": sender, "text": reply.text}
    if isinstance(reply, ChoicesReply):
        out["buttons"] = [{"title": c.title, "payload": c.payload} for c in reply.choices]
    elif isinstance(reply, LinkReply):
        out["text"] = f"{reply.text}\n{reply.url}" if reply.text else reply.url
        out["custom"] = {"url": reply.url, "title": reply.title}
    return out


def page_message(message: LoggedMessage) -> dict[str, Any]:
    """Render a logged message for the chat page."""
    return {"seq": message.seq, "direction": message.direction, **message.body,
            "created_at": message.created_at.isoformat()}


def _address(request: Request | WebSocket) -> str | None:
    return request.client.host if request.client else None


def _session_required() -> JSONResponse:
    return JSONResponse(
        {"type": "https://msaidizi.example/problems/session-required", "status": 401,
         "title": "Open the chat page to start a session"},
        status_code=401, media_type="application/problem+json")


# The page's own words, from the catalogs; the script switches them with the chat's language.
PAGE_WORDS = {
    "online": N_("eCitizen helpdesk"),
    "typing": N_("typing…"),
    # Translators: {name} is the support agent's first name; keep the braces as they are.
    "agent_typing": N_("{name} is typing…"),
    "offline": N_("Reconnecting…"),
    "end": N_("End session"),
    "ended": N_("Session ended. Nothing of it stays on this device."),
    "unsent": N_("Not sent yet: it will be sent when the connection is back."),
    "newer": N_("New messages"),
    "message": N_("Message"),
    "placeholder": N_("Type a message"),
    "send": N_("Send"),
    "language": N_("Change language"),
}


def page_with_words(page: str, translations: Translations) -> str:
    """Put every language's page words on the page's body (data, never script)."""
    words = {locale: {key: translations.for_locale(locale).gettext(msgid)
                      for key, msgid in PAGE_WORDS.items()}
             for locale in translations.locales}
    data = html.escape(json.dumps(words, ensure_ascii=False), quote=True)
    return page.replace("<body>", f'<body data-words="{data}">', 1)


class Compressed:
    """A page file served gzipped to browsers that take it, and revalidated by its ETag.

    Citizens on weak connections download the page once: later visits get 304 Not Modified.
    Only these fixed files are compressed, never responses that echo what someone typed.
    """

    def __init__(self, content: bytes, media_type: str) -> None:
        self.media_type = media_type
        self.plain = content
        self.gzipped = gzip.compress(content, compresslevel=9, mtime=0)
        self.etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'

    def response(self, request: Request) -> Response:
        """Answer 304 when the browser has it, else the gzipped or plain bytes."""
        headers = {"Cache-Control": "no-cache", "ETag": self.etag, "Vary": "Accept-Encoding"}
        if self.etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(self.gzipped, media_type=self.media_type,
                            headers={**headers, "Content-Encoding": "gzip"})
        return Response(self.plain, media_type=self.media_type, headers=headers)


Greeting = Callable[[str], Awaitable[Sequence[Reply]]]  # locale -> the welcome, unstored


def create_webchat_router(
    conversation: Conversation, store: ConversationStore, signal: MessageSignal,
    sessions: WebSessions, translations: Translations, announcer: Announcer, *,
    secure_cookie: bool = False,
    greeting: Greeting | None = None,
) -> APIRouter:
    """Build the web chat routes around the conversation core.

    With `greeting`, an empty conversation's history carries the welcome to show: opening
    the page runs no turn and stores nothing until the citizen writes or taps.
    """
    router = APIRouter()
    page = page_with_words(PAGE.read_text(encoding="utf-8"), translations)

    async def _locale(cid: str) -> str | None:
        session = await store.load_by_id(cid)
        return session.locale if session else None

    async def _sender(request: Request | WebSocket) -> str | None:
        return await sessions.sender_for(request.cookies.get(COOKIE))

    files = {"": Compressed(page.encode(), "text/html; charset=utf-8"),
             **{name: Compressed((STATIC / name).read_bytes(), media_type)
                for name, media_type in ASSETS.items()}}

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def chat_page(request: Request) -> Response:
        """Serve the chat page."""
        return files[""].response(request)

    @router.get("/webchat/static/{name}", include_in_schema=False)
    async def asset(name: str, request: Request) -> Response:
        """Serve the page's script and stylesheet (nothing else)."""
        if name not in ASSETS:
            return Response(status_code=404)
        return files[name].response(request)

    @router.post("/webchat/session", tags=["webchat"])
    async def start_session(request: Request, response: Response) -> dict[str, Any]:
        """Continue this browser's session, or start one and set its cookie."""
        sender = await _sender(request)
        if sender is not None:
            return {"new": False}
        token, _ = await sessions.create()
        response.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True,
                            samesite="strict", secure=secure_cookie, path="/")
        return {"new": True}

    @router.post("/webchat/end", tags=["webchat"])
    async def end_session(request: Request, response: Response) -> dict[str, Any]:
        """End the session: unlink the account, erase the chat, forget the cookie."""
        sender = await _sender(request)
        if sender is not None:
            await conversation.handle(InboundMessage(
                channel=CHANNEL, sender_id=sender, choice="end_session",
                address=_address(request)))
            await sessions.end(request.cookies.get(COOKIE))
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                               secure=secure_cookie)
        return {"ended": sender is not None}

    @router.post("/webhooks/rest/webhook", tags=["webchat"],
                 response_model=list[dict[str, Any]])
    async def rest_webhook(body: RestMessage, request: Request) -> JSONResponse:
        """Handle a message the Rasa REST way and answer with the bot's messages.

        With the page's session cookie the message joins that chat; without it, the sender
        id speaks in a REST conversation of its own, where no account can be reached.
        """
        metadata = body.metadata or {}
        sender = await _sender(request)
        message = InboundMessage(
            channel=CHANNEL if sender else REST_CHANNEL,
            sender_id=sender or body.sender,
            text=body.message,
            message_id=_optional_str(metadata.get("message_id")),
            locale_hint=_optional_str(metadata.get("locale")),
            address=_address(request),
            verified=sender is not None,
        )
        result = await conversation.handle(message)
        # plain JSON already: FastAPI's validation of it against the model was 2% of a turn
        return JSONResponse([rasa_output(body.sender, r) for r in result.replies])

    @router.post("/webchat/send", tags=["webchat"], response_model=None)
    async def send(body: SendRequest, request: Request) -> dict[str, Any] | JSONResponse:
        """Handle a message from the page; return every message after `after`, replies included."""
        sender = await _sender(request)
        if sender is None:
            return _session_required()
        message = InboundMessage(
            channel=CHANNEL,
            sender_id=sender,
            text=body.text,
            choice=body.choice,
            message_id=body.client_id,
            locale_hint=body.locale,
            address=_address(request),
        )
        result = await conversation.handle(message)
        cid = conversation_id(CHANNEL, sender)
        messages = await store.messages_after(cid, body.after)
        return {"messages": [page_message(m) for m in messages], "locale": result.locale}

    @router.get("/webchat/messages", tags=["webchat"], response_model=None)
    async def bot_messages(request: Request, after: After = 0) -> dict[str, Any] | JSONResponse:
        """Return every bot message after message `after` (polling fallback for live push)."""
        sender = await _sender(request)
        if sender is None:
            return _session_required()
        messages = await store.messages_after(conversation_id(CHANNEL, sender), after,
                                              direction="out")
        return {"messages": [page_message(m) for m in messages]}

    @router.get("/webchat/history", tags=["webchat"], response_model=None)
    async def history(request: Request, after: After = 0,
                      locale: PageLocale = None) -> dict[str, Any] | JSONResponse:
        """Return the whole conversation, both directions, so a reload shows the same chat.

        The whole history starts with the welcome in `greeting` (in the conversation's
        language, else the page's `locale`): shown above the chat, never stored.
        """
        sender = await _sender(request)
        if sender is None:
            return _session_required()
        cid = conversation_id(CHANNEL, sender)
        messages = await store.messages_after(cid, after, limit=500)
        spoken = await _locale(cid)
        body: dict[str, Any] = {"messages": [page_message(m) for m in messages], "locale": spoken}
        if greeting is not None and after == 0:
            welcome = await greeting(spoken or locale or "")  # "": the assistant's default
            body["greeting"] = [{"direction": "out", **reply_to_dict(r)} for r in welcome]
        return body

    @router.websocket("/webchat/ws")
    async def live(websocket: WebSocket, after: After = 0) -> None:
        """Push new bot messages to the page as they arrive (agent replies, payment results)."""
        sender = await _sender(websocket)
        if sender is None:
            await websocket.close(code=4401)
            return
        await websocket.accept()
        cid = conversation_id(CHANNEL, sender)
        last = after
        try:
            async with signal.subscribe(cid) as subscription:
                read = True  # what arrived before the socket opened
                while True:
                    if read:
                        for message in await store.messages_after(cid, last, direction="out"):
                            await websocket.send_json(page_message(message))
                            last = message.seq
                    waiter = asyncio.create_task(subscription.wait(signal.recheck_seconds))
                    closer = asyncio.create_task(websocket.receive_text())
                    done, pending = await asyncio.wait(
                        {waiter, closer}, return_when=asyncio.FIRST_COMPLETED
                    )
                    for task in pending:
                        task.cancel()
                    if closer in done:
                        closer.result()  # raises WebSocketDisconnect when the page went away
                    missed = False
                    for note in subscription.take_notes():
                        if (name := typing_name(note)) is not None:
                            await websocket.send_json({"signal": "typing", "name": name})
                        elif (carried := announcer.carried(note)) is not None:
                            following = _following(carried, last)
                            missed = missed or following is None
                            for message in following or ():  # no read for these
                                await websocket.send_json(page_message(message))
                                last = message.seq
                    # a passing state or carried messages need no database read; news, a gap
                    # or a recheck do
                    timed_out = waiter in done and not waiter.result()
                    read = timed_out or subscription.take_news() or missed
        except WebSocketDisconnect:
            return

    return router


def _following(carried: list[LoggedMessage], last: int) -> list[LoggedMessage] | None:
    """Return the carried messages that follow `last`; None when the page must read instead.

    A gap (an announcement missed, or two arriving out of order) or a note that could not be
    trusted ([]) means a read; messages the page already has are nothing to send.
    """
    fresh = [m for m in carried if m.seq > last]
    if fresh and fresh[0].seq == last + 1:
        return fresh
    return None if fresh or not carried else []


def _optional_str(value: object) -> str | None:
    return str(value)[:200] if value not in (None, "") else None
