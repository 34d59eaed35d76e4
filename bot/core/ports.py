"""Ports: the interfaces the core needs, implemented by adapters outside it."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from bot.core.backend import ReportDraft
from bot.core.messages import InboundMessage, Reply
from bot.core.results import TurnResult
from bot.core.session import Session


@dataclass(frozen=True, slots=True)
class IntentScore:
    """One intent with the matcher's confidence in it, between 0 and 1.

    `uncovered` lists the salient words of the message the article does not cover (see
    bot/nlu/coverage.py): the router then does not assert it. `storied` marks an article
    that covers the message only once what its document is wanted for is read as the story
    (bot/nlu/purposes.py): the router offers it, never asserts it.
    """

    name: str
    confidence: float
    uncovered: tuple[str, ...] = ()
    storied: bool = False


@dataclass(frozen=True, slots=True)
class Entity:
    """A value found in the message, such as an application reference."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Referral:
    """Where a government service this assistant does not handle is handled instead.

    Editors keep these in knowledge/elsewhere.yaml; `texts` and `agency` hold one line per
    language ("en", "sw"), `term` is the editor's term the message named.
    """

    id: str
    agency: Mapping[str, str]
    url: str
    texts: Mapping[str, str]
    term: str = ""

    def text(self, language: str) -> str:
        """Return the line that names the agency, in `language` (or English)."""
        return self.texts.get(language) or self.texts.get("en", "")


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What the language-understanding step made of one message.

    `elsewhere` is set when the message names a service another agency handles (see
    knowledge/elsewhere.yaml); honest replies then say where to go.
    """

    text: str
    language: str
    ranking: tuple[IntentScore, ...]
    entities: tuple[Entity, ...] = ()
    matched_example: str | None = None
    elsewhere: Referral | None = None

    @property
    def top(self) -> IntentScore | None:
        """Return the best-ranked intent, if any."""
        return self.ranking[0] if self.ranking else None

    def confidence_of(self, name: str) -> float:
        """Return the confidence for `name`, or 0 when it is not ranked."""
        return next((s.confidence for s in self.ranking if s.name == name), 0.0)


@dataclass(frozen=True, slots=True)
class MatchEvent:
    """What the matcher could not settle alone, kept (masked) for the editors' gap report.

    `kind` is "fallback" (no answer), "did_you_mean" (options offered), "not_covered" (the
    question names something no close article covers; close ones offered) or "chosen" (what
    the citizen picked from those options; `chosen` is None for "none of these").
    """

    kind: str
    query: str
    language: str
    options: tuple[str, ...] = ()
    chosen: str | None = None
    score: float | None = None


class Nlu(Protocol):
    """Ranks intents for a message."""

    def parse(self, text: str, language: str | None = None) -> ParseResult:
        """Rank every known intent for `text`."""
        ...


@dataclass(frozen=True, slots=True)
class Article:
    """One FAQ article in one language, as editors wrote it."""

    id: str
    language: str
    title: str
    body: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    synonyms: tuple[tuple[str, tuple[str, ...]], ...]
    tags: tuple[str, ...]
    agency: str
    source: str
    reviewed: date
    escalate_if_unresolved: bool = False
    path: str = ""
    extra_cases: tuple[str, ...] = field(default=())
    known_gaps: tuple[str, ...] = field(default=())
    services: tuple[str, ...] = field(default=())  # catalogue codes whose fees it states
    notes: str = ""  # the editor's research notes; never shown to citizens
    # the editor cites an organisation's home page on purpose: it is the right destination
    source_is_home_page: bool = False


class KnowledgeBase(Protocol):
    """Read access to the FAQ articles currently live."""

    def article(self, article_id: str, language: str) -> Article | None:
        """Return the article in `language`, falling back to the other language."""
        ...

    def article_ids(self) -> Sequence[str]:
        """Return the ids of every live article."""
        ...


class Translator(Protocol):
    """Localised strings and formats for one locale."""

    locale: str

    def gettext(self, message: str) -> str:
        """Translate `message`."""
        ...

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a message whose form depends on `n`."""
        ...

    def pgettext(self, context: str, message: str) -> str:
        """Translate `message` in `context`, where one English word has several translations."""
        ...

    def money(self, amount: Decimal | int) -> str:
        """Format an amount in Kenya shillings."""
        ...

    def datetime(self, moment: datetime) -> str:
        """Format a moment in Africa/Nairobi time."""
        ...

    def date(self, day: date) -> str:
        """Format a calendar date."""
        ...


class Translations(Protocol):
    """Gives a translator per locale."""

    @property
    def locales(self) -> Sequence[str]:
        """Return the supported locales, the default first."""
        ...

    def for_locale(self, locale: str) -> Translator:
        """Return the translator for `locale` (or the default one)."""
        ...


@dataclass(frozen=True, slots=True)
class QuotaHit:
    """One hit to count: a limit in `limits` notation ("30/minute;300/hour"), what and whose."""

    limit: str
    name: str
    key: str


class RateLimits(Protocol):
    """Counters that say when someone asks too often (memory, or Redis across workers)."""

    async def hit(self, hits: Sequence[QuotaHit]) -> int | None:
        """Count every hit if all have room; else count none and return seconds to wait."""
        ...


@dataclass(frozen=True, slots=True)
class _Quotas:
    """How often one chat, and one network address, may do something."""

    per_chat: str
    per_address: str

    def hits(self, name: str, conversation_id: str, address: str | None) -> tuple[QuotaHit, ...]:
        """Return the hits one request counts: its chat's, and its address's when known."""
        chat = QuotaHit(self.per_chat, name, conversation_id)
        if not address:
            return (chat,)
        return chat, QuotaHit(self.per_address, f"{name}-address", address)


@dataclass(frozen=True, slots=True)
class MessageQuotas(_Quotas):
    """How many messages one chat, and one network address, may send."""

    per_chat: str = "30/minute;300/hour"
    per_address: str = "120/minute"


@dataclass(frozen=True, slots=True)
class CodeQuotas(_Quotas):
    """How many one-time codes one chat, and one network address, may ask for."""

    per_chat: str = "6/hour"
    per_address: str = "20/hour"


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    """A message of a conversation as the message log keeps it, in order."""

    seq: int
    direction: str  # "in" from the citizen, "out" to the citizen
    body: dict[str, object]
    created_at: datetime


class ConversationStore(Protocol):
    """Sessions, the ordered message log and the record of handled inbound messages."""

    async def open_turn(self, message: InboundMessage) -> Session | TurnResult:
        """Return the conversation's session (new if none), or the first answer to a redelivery.

        One read: a turn learns in the same round trip whether its message was handled.
        """
        ...

    async def load_by_id(self, conversation_id: str) -> Session | None:
        """Return the stored session of a conversation, if there is one."""
        ...

    async def pushed_since_last_turn(self, conversation_id: str) -> list[Reply]:
        """Return what was pushed after the last answered message (for channels that poll)."""
        ...

    async def commit_turn(
        self,
        session: Session,
        message: InboundMessage,
        replies: Sequence[Reply],
        events: Sequence[MatchEvent] = (),
        summary: Mapping[str, Any] | None = None,
    ) -> None:
        """Save the session, the inbound message, the replies, match events and summary at once."""
        ...

    async def save_session(self, session: Session) -> None:
        """Save a session changed outside a turn (a push that ended a flow, a filed report)."""
        ...

    async def append_outbound(
        self, conversation_id: str, replies: Sequence[Reply], *, once_key: str | None = None,
        now: datetime | None = None,
    ) -> list[int]:
        """Log pushed messages (at `now`); with `once_key` at most once. Return their seqs."""
        ...

    async def was_handled(self, once_key: str) -> bool:
        """Return True when a push with this key was already made."""
        ...

    async def messages_after(
        self, conversation_id: str, after: int, direction: str | None = None, limit: int = 200
    ) -> list[LoggedMessage]:
        """Return the logged messages with a sequence number above `after`."""
        ...

    def push_through(self, channel: str, *, pushes_only: bool = False) -> None:
        """Mark outbound messages of `channel` as deliveries a sender must make.

        With `pushes_only`, a turn's replies are not: the channel returns them in its response.
        """
        ...

    async def pending_deliveries(self, conversation_id: str) -> list[PendingDelivery]:
        """Return outbound messages still to send, oldest first."""
        ...

    async def due_conversations(self, now: datetime, limit: int = 100) -> list[str]:
        """Return conversations with deliveries due now."""
        ...

    async def mark_delivery(
        self,
        message_id: int,
        *,
        status: str,
        attempts: int,
        next_attempt_at: datetime | None = None,
        error: str | None = None,
    ) -> None:
        """Record the outcome of one delivery attempt."""
        ...


@dataclass(frozen=True, slots=True)
class PendingDelivery:
    """An outbound message a channel still has to send."""

    id: int
    seq: int
    body: dict[str, object]
    attempts: int
    next_attempt_at: datetime | None = None


TRANSCRIPT_LINES = 30  # the lines of the conversation a ticket carries


class Transcripts(Protocol):
    """The recent exchange of a conversation, as the message log keeps it."""

    async def recent_lines(self, conversation_id: str,
                           limit: int = TRANSCRIPT_LINES) -> list[dict[str, str]]:
        """Return the last lines ({"role", "text", "at"}), oldest first."""
        ...


UNAVAILABLE_RETRY = 5  # seconds a sender is asked to wait when Redis or the database did not answer


class ConversationBusy(TimeoutError):
    """A turn could not get its conversation's lock in time: its message was not taken.

    Channels answer 503 with `Retry-After` so that the sender (a page, Telegram, Meta)
    sends it again; nothing was stored, so nothing is lost or doubled.
    """

    reason = "busy"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"conversation {self.reason}")
        self.retry_after = max(1, retry_after)


class SharedStateUnavailable(ConversationBusy):
    """What the workers share (Redis, the database) did not answer: the message was not taken.

    The wait asked of the sender is spread over `retry_after` to twice that, at random: after
    a database blip every open page would otherwise send its message again at the same second.
    """

    reason = "unavailable"

    def __init__(self, retry_after: int = UNAVAILABLE_RETRY) -> None:
        base = max(1, retry_after)
        super().__init__(base + secrets.randbelow(base + 1))


class ConversationLocks(Protocol):
    """Serialises turns of the same conversation, across workers when needed.

    `hold` raises `ConversationBusy` when the conversation stays locked too long.
    """

    def hold(self, conversation_id: str) -> AbstractAsyncContextManager[None]:
        """Hold the conversation's lock for the duration of a turn."""
        ...


@dataclass(slots=True)
class Admission:
    """A turn let in: its lock is held; `wait` says how long an over-quota sender must wait."""

    wait: int | None = None
    announced: bool = False

    def announce(self) -> None:
        """Tell the conversation's other pages and devices about the turn once it is released."""
        self.announced = True


class TurnGate(Protocol):
    """Lets one turn of a conversation in: its lock and its sender's quotas, then announces it.

    Redis does all of it in two round trips (in, out) where separate ports took six.
    """

    def admit(self, conversation_id: str,
              hits: Sequence[QuotaHit]) -> AbstractAsyncContextManager[Admission]:
        """Hold the conversation's lock and count `hits` (raises `ConversationBusy`)."""
        ...


class MessageSignal(Protocol):
    """Wakes up listeners (web sockets) when a conversation gets a new message."""

    # How often a listener re-reads on its own: None when every process hears every
    # announcement (Redis); a period when other processes' messages go unannounced.
    recheck_seconds: float | None

    async def publish(self, conversation_id: str, note: str | None = None) -> None:
        """Announce new messages, or with `note` a passing state ("typing:Grace")."""
        ...

    def subscribe(self, conversation_id: str) -> AbstractAsyncContextManager[Subscription]:
        """Listen for announcements about `conversation_id`."""
        ...


class Subscription(Protocol):
    """An open subscription to one conversation's announcements."""

    async def wait(self, timeout: float | None) -> bool:
        """Wait for an announcement (for ever with None); return False on timeout."""
        ...

    def take_notes(self) -> list[str]:
        """Return the passing states announced since the last call, oldest first."""
        ...

    def take_news(self) -> bool:
        """Return whether new messages were announced since the last call."""
        ...


class ConcurrentUpdateError(Exception):
    """Another worker saved the same session in between; the turn must not overwrite it."""


@dataclass(frozen=True, slots=True)
class PendingReport:
    """A security report kept while the backend was down, opened for filing."""

    id: int
    conversation_id: str
    idempotency_key: str
    attempts: int
    draft: dict[str, Any]
    token: str | None


class ReportQueue(Protocol):
    """Keeps security reports the backend could not take, until they are filed."""

    async def keep(self, conversation_id: str, draft: ReportDraft, idempotency_key: str,
                   token: str | None) -> None:
        """Store a report durably (a second keep with the same key changes nothing)."""
        ...

    async def due(self, now: datetime, limit: int = 20) -> list[PendingReport]:
        """Return unfiled reports whose next attempt is due."""
        ...

    async def filed(self, report_id: int, reference: str) -> None:
        """Mark a report filed."""
        ...

    async def failed(self, report_id: int, attempts: int) -> None:
        """Record a failed attempt and back off."""
        ...


class TicketRoutes(Protocol):
    """Remembers which conversation a ticket's replies go to (it follows the citizen)."""

    async def route(self, number: str, conversation_id: str) -> None:
        """Send the ticket's future messages to `conversation_id`."""
        ...

    async def conversation_for(self, number: str) -> str | None:
        """Return where the ticket's messages go now, if it was routed."""
        ...


class DurableSettings(Protocol):
    """Small values the assistant keeps across restarts (such as the backend event cursor)."""

    async def get(self, key: str, default: str = "") -> str:
        """Return a value, or `default`."""
        ...

    async def set(self, key: str, value: str) -> None:
        """Store a value."""
        ...


class WebSessions(Protocol):
    """Web chat browsers: a random cookie token proves which sender id a browser speaks as."""

    async def create(self) -> tuple[str, str]:
        """Start a session; return the raw cookie token and the new sender id."""
        ...

    async def sender_for(self, token: str | None) -> str | None:
        """Return the sender id of a live session's cookie, or None."""
        ...

    async def end(self, token: str | None) -> str | None:
        """End the session of a cookie; return its sender id, if it had one."""
        ...


class TurnObserver(Protocol):
    """Counts what turns did, for operators' metrics; it is never given personal data."""

    def turn_done(self, channel: str, outcome: str, seconds: float,
                  result: TurnResult | None) -> None:
        """Record one turn: "answered", "duplicate", "limited" or "error", and how long it took."""
        ...

    def decision(self, band: str) -> None:
        """Record how a turn was routed: "rule", "answer", "did_you_mean" or "fallback"."""
        ...


class NoObserver:
    """The observer of a conversation nobody measures."""

    def turn_done(self, channel: str, outcome: str, seconds: float,
                  result: TurnResult | None) -> None:
        """Record nothing."""

    def decision(self, band: str) -> None:
        """Record nothing."""
