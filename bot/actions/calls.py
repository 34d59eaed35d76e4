"""One action call from Rasa, read in Msaidizi's terms: who, what was said or tapped, which turn."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core.messages import InboundMessage
from bot.core.payloads import Payload

CHANNEL = "rasa"
PAYLOAD_ENTITY = "payload"  # Msaidizi's NLU server marks a tapped button with this entity


@dataclass(frozen=True)
class Call:
    """The tracker Rasa sent for one action call."""

    action: str
    tracker: Any  # rasa_sdk.Tracker (untyped package)
    is_intent: Callable[[str], bool]  # does Msaidizi have a handler of this name?
    is_article: Callable[[str], bool]  # is this the id of a live FAQ article?
    id: str | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self._call_id())

    @property
    def sender(self) -> str:
        """Return Rasa's sender id."""
        return str(self.tracker.sender_id)

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
        typed = Payload.typed(self.text)
        if typed is None or not self.is_intent(typed.name):
            return None
        return str(typed)

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

    def message(self, suggested: str | None) -> InboundMessage:
        """Build the inbound message of this call: the words, a tap, and the action's choice.

        The message id is the call's id, so a call Rasa retries is answered from what the
        core stored the first time. Rasa cannot be pushed to, so pushes come with the answer.
        """
        return InboundMessage(
            channel=CHANNEL,
            sender_id=self.sender,
            text=self.text,
            choice=self.tapped(),
            suggested=suggested,
            message_id=self.id,
            locale_hint=self.locale_hint(),
            catch_up=True,
        )
