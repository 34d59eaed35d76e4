"""The web chat channel: the page, a Rasa REST-compatible webhook, live push and polling."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from bot.core.conversation import Conversation
from bot.core.messages import (
    ChoicesReply,
    InboundMessage,
    LinkReply,
    Reply,
    conversation_id,
)
from bot.core.ports import ConversationStore, LoggedMessage, MessageSignal

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
PAGE = Path(__file__).resolve().parent / "static" / "webchat.html"
SENDER_PATTERN = r"^[A-Za-z0-9_.:@-]{1,128}$"
MAX_MESSAGE = 20_000  # longer bodies get a clear 422; the core reads only the first 1,000 chars
WS_RECHECK_SECONDS = 15.0

Sender = Annotated[str, Query(pattern=SENDER_PATTERN, description="The chat's sender id")]


class RestMessage(BaseModel):
    """Rasa REST channel input."""

    sender: str = Field(pattern=SENDER_PATTERN)
    message: str = Field(default="", max_length=MAX_MESSAGE)
    metadata: dict[str, Any] | None = None


class SendRequest(BaseModel):
    """A message from the chat page; `after` is the last sequence number the page has shown."""

    sender: str = Field(pattern=SENDER_PATTERN)
    text: str = Field(default="", max_length=MAX_MESSAGE)
    choice: str | None = Field(default=None, max_length=64)
    client_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    after: int = Field(default=0, ge=0)
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


def create_webchat_router(
    conversation: Conversation, store: ConversationStore, signal: MessageSignal
) -> APIRouter:
    """Build the web chat routes around the conversation core."""
    router = APIRouter()
    page = PAGE.read_text(encoding="utf-8")

    async def _locale(cid: str) -> str | None:
        session = await store.load_by_id(cid)
        return session.locale if session else None

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def chat_page() -> HTMLResponse:
        """Serve the chat page."""
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    @router.post("/webhooks/rest/webhook", tags=["webchat"])
    async def rest_webhook(body: RestMessage) -> list[dict[str, Any]]:
        """Handle a message the Rasa REST way and answer with the bot's messages."""
        metadata = body.metadata or {}
        message = InboundMessage(
            channel=CHANNEL,
            sender_id=body.sender,
            text=body.message,
            message_id=_optional_str(metadata.get("message_id")),
            locale_hint=_optional_str(metadata.get("locale")),
        )
        replies = await conversation.handle(message)
        return [rasa_output(body.sender, r) for r in replies]

    @router.post("/webchat/send", tags=["webchat"])
    async def send(body: SendRequest) -> dict[str, Any]:
        """Handle a message from the page; return every message after `after`, replies included."""
        message = InboundMessage(
            channel=CHANNEL,
            sender_id=body.sender,
            text=body.text,
            choice=body.choice,
            message_id=body.client_id,
            locale_hint=body.locale,
        )
        await conversation.handle(message)
        cid = conversation_id(CHANNEL, body.sender)
        messages = await store.messages_after(cid, body.after)
        return {"messages": [page_message(m) for m in messages], "locale": await _locale(cid)}

    @router.get("/webchat/messages", tags=["webchat"])
    async def bot_messages(
        sender: Sender, after: Annotated[int, Query(ge=0)] = 0
    ) -> dict[str, Any]:
        """Return every bot message after message `after` (polling fallback for live push)."""
        cid = conversation_id(CHANNEL, sender)
        messages = await store.messages_after(cid, after, direction="out")
        return {"messages": [page_message(m) for m in messages]}

    @router.get("/webchat/history", tags=["webchat"])
    async def history(
        sender: Sender, after: Annotated[int, Query(ge=0)] = 0
    ) -> dict[str, Any]:
        """Return the whole conversation, both directions, so a reload shows the same chat."""
        cid = conversation_id(CHANNEL, sender)
        messages = await store.messages_after(cid, after, limit=500)
        return {"messages": [page_message(m) for m in messages], "locale": await _locale(cid)}

    @router.websocket("/webchat/ws")
    async def live(websocket: WebSocket, sender: Sender, after: int = 0) -> None:
        """Push new bot messages to the page as they arrive (agent replies, payment results)."""
        await websocket.accept()
        cid = conversation_id(CHANNEL, sender)
        last = max(after, 0)
        try:
            async with signal.subscribe(cid) as subscription:
                while True:
                    for message in await store.messages_after(cid, last, direction="out"):
                        await websocket.send_json(page_message(message))
                        last = message.seq
                    waiter = asyncio.create_task(subscription.wait(WS_RECHECK_SECONDS))
                    closer = asyncio.create_task(websocket.receive_text())
                    done, pending = await asyncio.wait(
                        {waiter, closer}, return_when=asyncio.FIRST_COMPLETED
                    )
                    for task in pending:
                        task.cancel()
                    if closer in done:
                        closer.result()  # raises WebSocketDisconnect when the page went away
        except WebSocketDisconnect:
            return

    return router


def _optional_str(value: object) -> str | None:
    return str(value)[:200] if value not in (None, "") else None
