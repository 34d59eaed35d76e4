"""One action call from Rasa, read in Msaidizi's terms: who, what was said or tapped, which turn."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from bot.app import Runtime
from bot.core.messages import InboundMessage, conversation_id
from bot.core.ports import ParseResult
from bot.core.session import Session
from bot.core.turn import Turn

CHANNEL = "rasa"
PAYLOAD_ENTITY = "payload"  # Msaidizi's NLU server marks a tapped button with this entity
LISTEN = "action_listen"
# A button payload sent back as text, e.g. "start_payment:confirm" (the NLU server's shape).
_PAYLOAD = re.compile(r"^/?(?P<name>[a-z_]{2,40})(?::[\w:.-]{1,60})?$")


@dataclass(frozen=True)
class Call:
    """The tracker Rasa sent for one action, with the runtime that answers it."""

    action: str
    tracker: Any  # rasa_sdk.Tracker (untyped package)
    runtime: Runtime
    id: str | None = field(init=False)

    def __post_init__(self) -> None:
        # Taken before anything runs: rasa-sdk's form validation appends to tracker.events.
        object.__setattr__(self, "id", self._call_id())

    @property
    def sender(self) -> str:
        """Return Rasa's sender id."""
        return str(self.tracker.sender_id)

    @property
    def conversation_id(self) -> str:
        """Return Msaidizi's conversation id for this sender (`rasa:<sender>`)."""
        return conversation_id(CHANNEL, self.sender)

    @property
    def latest(self) -> dict[str, Any]:
        """Return the parse data of the latest user message."""
        return dict(self.tracker.latest_message or {})

    @property
    def text(self) -> str:
        """Return the latest user message's text."""
        return str(self.latest.get("text") or "")

    @property
    def intent(self) -> str | None:
        """Return the name of the latest user message's intent."""
        intent = self.latest.get("intent") or {}
        return str(intent["name"]) if intent.get("name") else None

    @property
    def first_after_user(self) -> bool:
        """Return True when this is the first action after the citizen spoke."""
        return self.tracker.latest_action_name in (None, LISTEN)

    def slot(self, name: str) -> Any:
        """Return a slot's value."""
        return (self.tracker.slots or {}).get(name)

    def entity(self, name: str) -> str | None:
        """Return the first value of an entity in the latest user message."""
        value = next(self.tracker.get_latest_entity_values(name), None)
        return str(value) if value not in (None, "") else None

    def tapped(self) -> str | None:
        """Return the payload of a tapped button, when that is what the latest message is."""
        marked = self.entity(PAYLOAD_ENTITY)
        if marked:
            return marked.lstrip("/")
        text = self.text.strip()
        shaped = _PAYLOAD.match(text)
        if shaped is None or self.runtime.router.handler_for(shaped["name"]) is None:
            return None
        return text.lstrip("/")

    def user_key(self) -> str | None:
        """Return a stable key of the latest user message (its id, else its timestamp)."""
        key = self.latest.get("message_id")
        if not key:
            events = self.tracker.events or []
            user = next((e for e in reversed(events) if e.get("event") == "user"), None)
            key = user and (user.get("message_id") or user.get("timestamp"))
        return str(key) if key else None

    def _call_id(self) -> str | None:
        """Return an id that a retried call (same tracker) repeats and any other call does not."""
        key = self.user_key()
        if key is None:
            return None
        raw = "\x1f".join((self.sender, self.action, key, str(len(self.tracker.events or []))))
        return "rasa-" + hashlib.sha256(raw.encode()).hexdigest()[:40]

    def locale_hint(self) -> str | None:
        """Return the `language` slot, else the language Msaidizi's NLU detected."""
        hint = self.slot("language") or self.latest.get("language")
        return str(hint) if hint else None

    def message(self, choice: str | None, *, text: str | None = None,
                suffix: str = "") -> InboundMessage:
        """Build the inbound message of this call (a tap of `choice`, or the typed words)."""
        call_id = self.id
        return InboundMessage(
            channel=CHANNEL,
            sender_id=self.sender,
            text=self.text if text is None else text,
            choice=choice,
            message_id=f"{call_id}{suffix}" if call_id else None,
            locale_hint=self.locale_hint(),
        )

    def turn(self, session: Session, message: InboundMessage | None = None) -> Turn:
        """Build a turn on `session` for code that answers without the router (forms, prompts)."""
        message = message or self.message(None, text="")
        return Turn(message=message, session=session, translations=self.runtime.translations,
                    text=message.text, nlu=ParseResult(message.text, session.locale, ()),
                    payload=message.choice)

    async def session(self) -> Session:
        """Return the conversation's stored session, or a new one."""
        return await self.runtime.store.load(self.message(None, text=""))
