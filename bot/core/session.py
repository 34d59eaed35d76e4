"""The state of one conversation, kept in the database between turns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.messages import Choice
from common.timezone import utcnow


@dataclass
class Session:
    """Everything the core remembers about one conversation.

    `flow` and `state` name the active multi-step flow and its step; `slots` hold what the
    flow has collected. `choices` are the options last offered, so that a typed number
    resolves to the same option a tap would. `version` guards against lost updates.
    """

    conversation_id: str
    channel: str
    sender_id: str
    locale: str = "en"
    locale_explicit: bool = False  # the citizen asked for it: it holds until they ask again
    locale_settled: bool = False  # a message clearly showed it (not only a hint or default)
    flow: str | None = None
    state: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    choices: list[Choice] = field(default_factory=list)
    misses: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    flow_started_at: datetime | None = None
    last_inbound_at: datetime | None = None
    updated_at: datetime = field(default_factory=utcnow)
    version: int = 0
    is_new: bool = True
    erase_requested: bool = False  # set by "delete my data": the store erases the transcript

    @property
    def has_language(self) -> bool:
        """Return True once the citizen's words or request settled the conversation language."""
        return self.locale_settled or self.locale_explicit

    def settle_locale(self, locale: str, *, explicit: bool = False) -> None:
        """Make `locale` the conversation language, as shown by a message or asked for."""
        self.locale, self.locale_settled = locale, True
        if explicit:
            self.locale_explicit = True

    def start_flow(self, flow: str, state: str) -> None:
        """Enter a multi-step flow at its first state."""
        self.flow, self.state = flow, state
        self.slots = {}
        self.flow_started_at = utcnow()

    def end_flow(self) -> None:
        """Leave the active flow and forget what it collected."""
        self.flow = self.state = None
        self.slots = {}
        self.flow_started_at = None

    def to_record(self) -> dict[str, Any]:
        """Serialise the mutable parts for storage."""
        return {
            "locale": self.locale,
            "locale_explicit": self.locale_explicit,
            "locale_settled": self.locale_settled,
            "flow": self.flow,
            "state": self.state,
            "slots": self.slots,
            "choices": [{"title": c.title, "payload": c.payload} for c in self.choices],
            "misses": self.misses,
            "data": self.data,
            "flow_started_at": _iso(self.flow_started_at),
            "last_inbound_at": _iso(self.last_inbound_at),
        }

    @classmethod
    def from_record(
        cls,
        *,
        conversation_id: str,
        channel: str,
        sender_id: str,
        record: dict[str, Any],
        version: int,
        updated_at: datetime,
    ) -> Session:
        """Rebuild a session from what `to_record` stored."""
        return cls(
            conversation_id=conversation_id,
            channel=channel,
            sender_id=sender_id,
            locale=record.get("locale", "en"),
            locale_explicit=bool(record.get("locale_explicit", False)),
            # sessions stored before the flag existed: a conversation under way has a language
            # (their "history", the transcript before it was read from the message log)
            locale_settled=bool(record.get("locale_settled", bool(record.get("history")))),
            flow=record.get("flow"),
            state=record.get("state"),
            slots=dict(record.get("slots") or {}),
            choices=[Choice(c["title"], c["payload"]) for c in record.get("choices") or []],
            misses=int(record.get("misses", 0)),
            data=dict(record.get("data") or {}),
            flow_started_at=_from_iso(record.get("flow_started_at")),
            last_inbound_at=_from_iso(record.get("last_inbound_at")),
            updated_at=updated_at,
            version=version,
            is_new=False,
        )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
