"""What a handler did: the replies to send and typed events that callers read instead of text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, TypeVar

from bot.core.messages import Reply, TextReply, reply_to_dict


@dataclass(frozen=True, slots=True)
class AccountLinked:
    """The chat is now signed in to the citizen's eCitizen account."""

    kind: ClassVar[str] = "account_linked"
    first_name: str


@dataclass(frozen=True, slots=True)
class SignedOut:
    """The chat's sign-in was ended (log out, expiry, or protection after a takeover)."""

    kind: ClassVar[str] = "signed_out"


@dataclass(frozen=True, slots=True)
class StatusShown:
    """The citizen was shown where one application stands."""

    kind: ClassVar[str] = "status_shown"
    reference: str
    status: str


@dataclass(frozen=True, slots=True)
class PaymentStarted:
    """A payment was started (or the one already under way for the bill was found)."""

    kind: ClassVar[str] = "payment_started"
    payment_id: int
    bill_reference: str
    method: str
    status: str


@dataclass(frozen=True, slots=True)
class ReportFiled:
    """A security report was filed (`reference`), or kept to file later (`reference` None)."""

    kind: ClassVar[str] = "report_filed"
    reference: str | None
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class TicketOpened:
    """A person from support was brought in: the ticket and where it stands."""

    kind: ClassVar[str] = "ticket_opened"
    number: str
    status: str


@dataclass(frozen=True, slots=True)
class LanguageChanged:
    """The citizen chose the conversation's language."""

    kind: ClassVar[str] = "language_changed"
    locale: str


@dataclass(frozen=True, slots=True)
class DataErased:
    """The citizen's chat data was erased at their request."""

    kind: ClassVar[str] = "data_erased"


Event = (AccountLinked | SignedOut | StatusShown | PaymentStarted | ReportFiled | TicketOpened
         | LanguageChanged | DataErased)
E = TypeVar("E", AccountLinked, SignedOut, StatusShown, PaymentStarted, ReportFiled,
            TicketOpened, LanguageChanged, DataErased)
EVENT_TYPES: Mapping[str, type[Event]] = {
    t.kind: t for t in (AccountLinked, SignedOut, StatusShown, PaymentStarted, ReportFiled,
                        TicketOpened, LanguageChanged, DataErased)
}


def event_to_dict(event: Event) -> dict[str, Any]:
    """Return an event as JSON-safe data (kept with the turn, replayed for a duplicate)."""
    return {"kind": event.kind, **asdict(event)}


def event_from_dict(data: Mapping[str, Any]) -> Event | None:
    """Rebuild an event from `event_to_dict` data; None for a kind this version does not know."""
    kind = data.get("kind")
    event_type = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if event_type is None:
        return None
    return event_type(**{k: v for k, v in data.items() if k != "kind"})


@dataclass(frozen=True, slots=True)
class Result:
    """A handler's answer: replies in order, and the events that happened."""

    replies: tuple[Reply, ...] = ()
    events: tuple[Event, ...] = ()

    @classmethod
    def text(cls, *texts: str) -> Result:
        """Build a result of plain text replies."""
        return cls(tuple(TextReply(t) for t in texts))

    @classmethod
    def of(cls, replies: Sequence[Reply], *events: Event) -> Result:
        """Build a result from a list of replies and any events."""
        return cls(tuple(replies), events)

    def __add__(self, other: Result) -> Result:
        return Result(self.replies + other.replies, self.events + other.events)

    def then(self, replies: Sequence[Reply]) -> Result:
        """Return this result with more replies after it."""
        return Result(self.replies + tuple(replies), self.events)

    def first(self, replies: Sequence[Reply]) -> Result:
        """Return this result with replies said before it."""
        return Result(tuple(replies) + self.replies, self.events)


NOTHING = Result()


@dataclass(frozen=True, slots=True)
class TurnResult:
    """What one inbound message led to, as channels, notifications and Rasa read it.

    `locale`, `linked` and `flow` describe the conversation after the turn; `pushed` holds
    messages pushed since the caller last looked (for channels that cannot be pushed to);
    `duplicate` is True when the message was handled before and this is its first answer again.
    """

    replies: tuple[Reply, ...]
    events: tuple[Event, ...] = ()
    locale: str = "en"
    linked: bool = False
    flow: str | None = None
    pushed: tuple[Reply, ...] = ()
    duplicate: bool = False
    transitions: tuple[tuple[str, str, str], ...] = field(default=())

    def event(self, event_type: type[E]) -> E | None:
        """Return the last event of a type, if the turn had one."""
        return next((e for e in reversed(self.events) if isinstance(e, event_type)), None)

    def summary(self) -> dict[str, Any]:
        """Return what a duplicate must give back besides its replies (JSON-safe)."""
        return {"events": [event_to_dict(e) for e in self.events], "locale": self.locale,
                "linked": self.linked, "flow": self.flow,
                "pushed": [reply_to_dict(r) for r in self.pushed]}
