"""Channel-independent messages: what a citizen sent and what the assistant answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from common.timezone import utcnow

_TEXT_FIELDS = ("sender_id", "text", "choice", "message_id", "locale_hint", "suggested")


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message from a citizen, as any channel adapter hands it to the core.

    `choice` carries the payload of a tapped button; `text` what was typed. `message_id`
    is the channel's own id, used to make a redelivered message harmless. `address` is the
    client's network address where the channel knows it (rate limits). `verified` says the
    channel proved who the sender is (Telegram, WhatsApp, the web chat's session cookie);
    an unverified sender id (a bare REST call) never reaches a citizen's account.
    `suggested` is taken as the choice only when no flow is waiting for an answer: a flow
    reads the words first.
    """

    channel: str
    sender_id: str
    text: str = ""
    choice: str | None = None
    message_id: str | None = None
    locale_hint: str | None = None
    received_at: datetime = field(default_factory=utcnow)
    address: str | None = None
    verified: bool = True
    suggested: str | None = None  # a choice the channel's own dialogue picked (Rasa's action)
    catch_up: bool = False  # the channel cannot be pushed to: show pushes with the answer

    def __post_init__(self) -> None:
        # No citizen means a NUL, and PostgreSQL's text cannot hold one: it failed the write
        # of the whole turn, which the page then sent again and again.
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if value and "\x00" in value:
                object.__setattr__(self, name, value.replace("\x00", ""))

    @property
    def conversation_id(self) -> str:
        """Return the id of the conversation this message belongs to."""
        return conversation_id(self.channel, self.sender_id)


def conversation_id(channel: str, sender_id: str) -> str:
    """Build the conversation id for a channel and a sender."""
    return f"{channel}:{sender_id}"


@dataclass(frozen=True, slots=True)
class Choice:
    """One tappable option; typing its number works as well."""

    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class TextReply:
    """Plain text."""

    text: str
    kind: str = field(default="text", init=False)


@dataclass(frozen=True, slots=True)
class ChoicesReply:
    """A prompt with numbered options."""

    text: str
    choices: tuple[Choice, ...]
    kind: str = field(default="choices", init=False)


@dataclass(frozen=True, slots=True)
class LinkReply:
    """A text with a link the citizen can open."""

    text: str
    url: str
    title: str
    kind: str = field(default="link", init=False)


@dataclass(frozen=True, slots=True)
class HandoffReply:
    """Tells the channel that a person has taken over or handed back the conversation."""

    text: str
    ticket: str
    status: str
    kind: str = field(default="handoff", init=False)


Reply = TextReply | ChoicesReply | LinkReply | HandoffReply


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """Serialise a reply to a JSON-compatible dict."""
    data: dict[str, Any] = {"kind": reply.kind, "text": reply.text}
    if isinstance(reply, ChoicesReply):
        data["choices"] = [{"title": c.title, "payload": c.payload} for c in reply.choices]
    elif isinstance(reply, LinkReply):
        data["url"] = reply.url
        data["title"] = reply.title
    elif isinstance(reply, HandoffReply):
        data["ticket"] = reply.ticket
        data["status"] = reply.status
    return data


def reply_from_dict(data: Mapping[str, Any]) -> Reply:
    """Rebuild a reply from `reply_to_dict` output."""
    kind = data.get("kind", "text")
    text = str(data.get("text", ""))
    if kind == "choices":
        raw: Sequence[Mapping[str, Any]] = data.get("choices", ())
        return ChoicesReply(
            text, tuple(Choice(str(c["title"]), str(c["payload"])) for c in raw)
        )
    if kind == "link":
        return LinkReply(text, str(data["url"]), str(data.get("title", data["url"])))
    if kind == "handoff":
        return HandoffReply(text, str(data.get("ticket", "")), str(data.get("status", "")))
    return TextReply(text)


def render_as_text(reply: Reply) -> str:
    """Render any reply as plain text, numbering choices as on USSD."""
    if isinstance(reply, ChoicesReply):
        lines = [reply.text] if reply.text else []
        lines += [f"{i}. {c.title}" for i, c in enumerate(reply.choices, start=1)]
        return "\n".join(lines)
    if isinstance(reply, LinkReply):
        return f"{reply.text}\n{reply.url}" if reply.text else reply.url
    return reply.text
