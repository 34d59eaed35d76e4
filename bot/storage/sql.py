"""SQL implementation of the conversation store (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.messages import InboundMessage, Reply, reply_from_dict, reply_to_dict
from bot.core.ports import (
    TRANSCRIPT_LINES,
    ConcurrentUpdateError,
    LoggedMessage,
    MatchEvent,
    PendingDelivery,
)
from bot.core.results import TurnResult, event_from_dict
from bot.core.session import Session
from bot.storage.models import (
    ConversationRow,
    HandledKeyRow,
    InboundReceiptRow,
    MatchEventRow,
    MessageRow,
)
from bot.storage.sealing import Sealer
from bot.storage.sqlite_turns import SqliteTurns
from bot.storage.turn_path import DATABASE_WAIT, TurnPath, TurnWrite
from common.timezone import utcnow
from privacy import mask

_CONVERSATIONS: Table = ConversationRow.__table__  # type: ignore[assignment]
_MESSAGES: Table = MessageRow.__table__  # type: ignore[assignment]
_RECEIPTS: Table = InboundReceiptRow.__table__  # type: ignore[assignment]
_MATCH_EVENTS: Table = MatchEventRow.__table__  # type: ignore[assignment]
# The turn's statements are built once (a turn then only binds values): the read outer-joins
# the conversation and the receipt of the message id to a one-row anchor, since either may
# not exist.
_OPEN_TURN = select(
    _CONVERSATIONS.c.id, _CONVERSATIONS.c.state, _CONVERSATIONS.c.version,
    _CONVERSATIONS.c.updated_at, _RECEIPTS.c.conversation_id.label("answered_in"),
    _RECEIPTS.c.first_seq, _RECEIPTS.c.last_seq, _RECEIPTS.c.summary,
).select_from(
    select(literal(1).label("one")).subquery("anchor")
    .outerjoin(_CONVERSATIONS, _CONVERSATIONS.c.id == bindparam("conversation_id"))
    # the receipt of this conversation only: a message id another chat sent (a page's
    # client id is its own choice) must never replay that chat's replies here
    .outerjoin(_RECEIPTS, and_(_RECEIPTS.c.channel == bindparam("channel"),
                               _RECEIPTS.c.message_id == bindparam("message_id"),
                               _RECEIPTS.c.conversation_id == bindparam("conversation_id")))
)
_SAVE_SESSION = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.id == bindparam("conversation_id"),
           _CONVERSATIONS.c.version == bindparam("expected_version"))
    .values(state=bindparam("state"), version=_CONVERSATIONS.c.version + 1,
            updated_at=bindparam("now"), last_seq=_CONVERSATIONS.c.last_seq + bindparam("count"))
    .returning(_CONVERSATIONS.c.last_seq)
)

class SqlConversationStore:
    """Keeps sessions, the ordered message log and handled message ids in one database."""

    def __init__(self, engine: AsyncEngine, push_channels: Iterable[str] = (),
                 sealer: Sealer | None = None, *, database_wait: float = DATABASE_WAIT) -> None:
        self._engine = engine
        # A turn's read is one statement: in autocommit it costs no BEGIN and no ROLLBACK
        # (two of a turn's round trips to the database).
        self._reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._turns = _turn_path(engine, database_wait)
        self.push_channels = set(push_channels)
        self.pushes_only_channels: set[str] = set()
        self._sealer = sealer

    async def open_turn(self, message: InboundMessage) -> Session | TurnResult:
        """Return the conversation's session, or the first answer if the message was handled.

        One statement reads both: the session row and the receipt of the channel message id.
        """
        parameters = {"conversation_id": message.conversation_id, "channel": message.channel,
                      "message_id": message.message_id}
        if self._turns is not None:
            row: Any = SimpleNamespace(**await self._turns.open_turn(parameters))
            if message.message_id and row.answered_in is not None:
                async with self._reader.connect() as db:
                    return await self._replay(db, row)
        else:
            async with self._reader.connect() as db:
                row = (await db.execute(_OPEN_TURN, parameters)).one()
                if message.message_id and row.answered_in is not None:
                    return await self._replay(db, row)
        if row.id is None:
            return Session(conversation_id=message.conversation_id, channel=message.channel,
                           sender_id=message.sender_id)
        return self._session_from(row.id, row.state, row.version, row.updated_at)

    async def ping(self) -> None:
        """Raise unless the turn's own connections reach the database."""
        if self._turns is not None:
            await self._turns.ping()

    async def close(self) -> None:
        """Close the connections the store opened itself (the turn's own)."""
        if self._turns is not None:
            await self._turns.close()

    async def load(self, message: InboundMessage) -> Session:
        """Return the stored session for the conversation, or a new one."""
        opened = await self.open_turn(replace(message, message_id=None))
        assert isinstance(opened, Session)  # without a message id nothing is a duplicate
        return opened

    async def load_by_id(self, conversation_id: str) -> Session | None:
        """Return the stored session of a conversation id, if any."""
        async with self._sessions() as db:
            row = await db.get(ConversationRow, conversation_id)
        return (self._session_from(row.id, row.state, row.version, row.updated_at)
                if row is not None else None)

    async def result_for_duplicate(self, message: InboundMessage) -> TurnResult | None:
        """Return the first answer to this channel message id, if it was handled before."""
        if not message.message_id:
            return None
        opened = await self.open_turn(message)
        return opened if isinstance(opened, TurnResult) else None

    @staticmethod
    async def _replay(db: AsyncConnection, receipt: Any) -> TurnResult:
        """Rebuild the result of a turn from its receipt and the replies it logged."""
        rows = await db.execute(
            select(_MESSAGES.c.body)
            .where(_MESSAGES.c.conversation_id == receipt.answered_in,
                   _MESSAGES.c.seq.between(receipt.first_seq, receipt.last_seq),
                   _MESSAGES.c.direction == "out")
            .order_by(_MESSAGES.c.seq)
        )
        replies = tuple(reply_from_dict(body) for body in rows.scalars())
        summary = receipt.summary or {}
        events = tuple(e for e in map(event_from_dict, summary.get("events", ())) if e)
        return TurnResult(replies, events, locale=str(summary.get("locale") or "en"),
                          linked=bool(summary.get("linked")), flow=summary.get("flow"),
                          pushed=tuple(reply_from_dict(r) for r in summary.get("pushed", ())),
                          duplicate=True)

    async def pushed_since_last_turn(self, conversation_id: str) -> list[Reply]:
        """Return what was pushed after the last answered message (for channels that poll)."""
        last_turn = (
            select(func.coalesce(func.max(InboundReceiptRow.last_seq), 0))
            .where(InboundReceiptRow.conversation_id == conversation_id)
            .scalar_subquery()
        )
        async with self._sessions() as db:
            rows = await db.scalars(
                select(MessageRow.body)
                .where(MessageRow.conversation_id == conversation_id,
                       MessageRow.direction == "out", MessageRow.seq > last_turn)
                .order_by(MessageRow.seq)
                .limit(200)
            )
            return [reply_from_dict(body) for body in rows]

    async def commit_turn(
        self,
        session: Session,
        message: InboundMessage,
        replies: Sequence[Reply],
        events: Sequence[MatchEvent] = (),
        summary: Mapping[str, Any] | None = None,
    ) -> None:
        """Save session, inbound message, replies, match events and the receipt atomically.

        One transaction of few statements: the session update reserves the sequence numbers,
        then one insert each for the messages, the match events and the receipt.
        """
        inbound: dict[str, Any] = {"kind": "text", "text": message.text}
        if message.choice:
            inbound["choice"] = message.choice
        bodies = [("in", inbound)] + [("out", reply_to_dict(r)) for r in replies]
        erase, session.erase_requested = session.erase_requested, False
        if erase:  # data-rights erasure: keep only the confirmation, not even the request
            bodies = bodies[1:]
        now = utcnow()
        if not erase and self._turns is not None:
            await self._write_turn(session, message, bodies, events, summary, now)
            return
        async with self._writing(), self._engine.begin() as db:
            if erase:
                await self._erase_transcript(db, session.conversation_id)
            last = await self._save_and_reserve(db, session, len(bodies), now)
            first = last - len(bodies) + 1
            await _insert_messages(db, session.conversation_id, first, bodies, now,
                                   pending=session.channel in self.push_channels)
            if events:
                await db.execute(insert(_MATCH_EVENTS),
                                 [{**row, "created_at": now} for row in _event_rows(events)])
            if message.message_id:
                # another chat's receipt of the same id (a page picks its own ids) stays, and
                # this turn still counts: a collision must not fail a citizen's message
                await db.execute(self._insert_new(_RECEIPTS).values(
                    channel=message.channel, message_id=message.message_id,
                    conversation_id=session.conversation_id, first_seq=first,
                    last_seq=first + len(bodies) - 1, created_at=now,
                    summary=dict(summary) if summary is not None else None))
        session.version += 1
        session.is_new = False

    def _insert_new(self, table: Table) -> Any:
        """Return an INSERT that skips a row whose key already exists (both dialects)."""
        dialect_insert = sqlite_insert if self._engine.dialect.name == "sqlite" else pg_insert
        return dialect_insert(table).on_conflict_do_nothing()

    async def _write_turn(self, session: Session, message: InboundMessage,
                          bodies: Sequence[tuple[str, dict[str, Any]]],
                          events: Sequence[MatchEvent], summary: Mapping[str, Any] | None,
                          now: datetime) -> None:
        """Write the turn on the turn path; nothing when the session changed meanwhile.

        Raises `ConcurrentUpdateError` then, as the transaction below would.
        """
        assert self._turns is not None
        pending = session.channel in self.push_channels
        turn = TurnWrite(
            conversation_id=session.conversation_id, session_channel=session.channel,
            sender_id=session.sender_id, new=session.is_new, expected_version=session.version,
            state=self._state(session), now=now,
            messages=[(direction, body, "pending" if pending and direction == "out" else None)
                      for direction, body in bodies],
            events=_event_rows(events), channel=message.channel, message_id=message.message_id,
            summary=dict(summary) if summary is not None else None)
        async with self._writing():
            last = await self._turns.write_turn(turn)
        if last is None:
            raise ConcurrentUpdateError(session.conversation_id)
        session.version += 1
        session.is_new = False

    async def _save_and_reserve(self, db: AsyncConnection, session: Session, count: int,
                                now: datetime) -> int:
        """Write the session unless someone changed it meanwhile; return the last seq reserved.

        A conversation a push created before its first turn has version 0 like a new session,
        so the update takes it over; a new conversation is inserted.
        """
        updated = await db.execute(_SAVE_SESSION, {
            "conversation_id": session.conversation_id, "expected_version": session.version,
            "state": self._state(session), "now": now, "count": count})
        last = updated.scalar_one_or_none()
        if last is not None:
            return int(last)
        if not session.is_new:
            raise ConcurrentUpdateError(session.conversation_id)
        try:
            await db.execute(insert(_CONVERSATIONS).values(
                id=session.conversation_id, channel=session.channel, sender_id=session.sender_id,
                state=self._state(session), version=1, last_seq=count, created_at=now,
                updated_at=now))
        except IntegrityError:  # another worker started this conversation first
            raise ConcurrentUpdateError(session.conversation_id) from None
        return count

    def _writing(self) -> AbstractAsyncContextManager[Any]:
        """Serialise this process's writers on SQLite, which takes one writer at a time.

        Waiting here costs nothing; waiting in SQLite's busy handler sleeps in growing steps
        and made the embedded default's tail latency seconds long.
        """
        return self._write_lock if self._write_lock is not None else nullcontext()

    def push_through(self, channel: str, *, pushes_only: bool = False) -> None:
        """Mark outbound messages of `channel` as deliveries a sender must make.

        With `pushes_only`, a turn's replies are not: the channel returns them in its response.
        """
        (self.pushes_only_channels if pushes_only else self.push_channels).add(channel)

    async def save_session(self, session: Session) -> None:
        """Save a session changed outside a turn (e.g. by a push that ended a flow)."""
        async with self._writing(), self._engine.begin() as db:
            await self._save_and_reserve(db, session, 0, utcnow())
        session.version += 1
        session.is_new = False

    async def append_outbound(
        self, conversation_id: str, replies: Sequence[Reply], *, once_key: str | None = None,
        now: datetime | None = None,
    ) -> list[int]:
        """Log pushed messages after everything already in the conversation.

        With `once_key`, the push happens at most once: the key is recorded in the same
        transaction, and a second push with the same key changes nothing.
        """
        bodies = [("out", reply_to_dict(r)) for r in replies]
        channel = conversation_id.split(":", 1)[0]
        try:
            async with self._writing(), self._sessions() as db, db.begin():
                if once_key is not None:
                    db.add(HandledKeyRow(key=once_key[:120]))
                    await db.flush()
                first, last = await self._append(db, conversation_id, bodies, channel,
                                                 now or utcnow())
        except IntegrityError:
            if once_key is None:
                raise
            return []
        return list(range(first, last + 1))

    async def was_handled(self, once_key: str) -> bool:
        """Return True when a push with this key was already made."""
        async with self._sessions() as db:
            return await db.get(HandledKeyRow, once_key[:120]) is not None

    async def pending_deliveries(self, conversation_id: str) -> list[PendingDelivery]:
        """Return the conversation's outbound messages still to be sent, in order."""
        async with self._sessions() as db:
            rows = await db.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == conversation_id,
                       MessageRow.delivery == "pending")
                .order_by(MessageRow.seq)
            )
            return [PendingDelivery(r.id, r.seq, r.body, r.attempts, r.next_attempt_at)
                    for r in rows]

    async def due_conversations(self, now: datetime, limit: int = 100) -> list[str]:
        """Return conversations with a pending delivery whose retry time has come."""
        async with self._sessions() as db:
            rows = await db.scalars(
                select(MessageRow.conversation_id)
                .where(
                    MessageRow.delivery == "pending",
                    or_(MessageRow.next_attempt_at.is_(None), MessageRow.next_attempt_at <= now),
                )
                .distinct()
                .limit(limit)
            )
            return list(rows)

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
        async with self._writing(), self._sessions() as db, db.begin():
            await db.execute(
                update(MessageRow)
                .where(MessageRow.id == message_id)
                .values(delivery=status, attempts=attempts, next_attempt_at=next_attempt_at,
                        last_error=(error or "")[:300] or None)
            )

    async def recent_lines(self, conversation_id: str,
                           limit: int = TRANSCRIPT_LINES) -> list[dict[str, str]]:
        """Return the conversation's last written lines, oldest first (a ticket's transcript).

        Messages are logged as records keep them (ID numbers masked, codes withheld); a tap
        without words is no line.
        """
        async with self._reader.connect() as db:
            rows = (await db.execute(
                select(_MESSAGES.c.direction, _MESSAGES.c.body, _MESSAGES.c.created_at)
                .where(_MESSAGES.c.conversation_id == conversation_id)
                .order_by(_MESSAGES.c.seq.desc()).limit(limit))).all()
        return [{"role": "citizen" if row.direction == "in" else "bot",
                 "text": str(row.body.get("text"))[:2000], "at": row.created_at.isoformat()}
                for row in reversed(rows) if row.body.get("text")]

    async def messages_after(
        self, conversation_id: str, after: int, direction: str | None = None, limit: int = 200
    ) -> list[LoggedMessage]:
        """Return logged messages with a sequence number above `after`, oldest first."""
        conditions = [MessageRow.conversation_id == conversation_id, MessageRow.seq > after]
        if direction:
            conditions.append(MessageRow.direction == direction)
        async with self._sessions() as db:
            rows = await db.scalars(
                select(MessageRow).where(and_(*conditions)).order_by(MessageRow.seq).limit(limit)
            )
            return [LoggedMessage(r.seq, r.direction, r.body, r.created_at) for r in rows]

    async def match_events(self, since: datetime | None = None) -> list[MatchEvent]:
        """Return the recorded match events, oldest first (for the gap report)."""
        query = select(MatchEventRow).order_by(MatchEventRow.id)
        if since is not None:
            query = query.where(MatchEventRow.created_at >= since)
        async with self._sessions() as db:
            rows = await db.scalars(query)
            return [
                MatchEvent(r.kind, r.query, r.language, tuple(r.options.get("options", ())),
                           r.chosen, r.score)
                for r in rows
            ]

    async def erase_conversation(self, conversation_id: str) -> None:
        """Delete a conversation's transcript and session (data-rights erasure)."""
        async with self._writing(), self._sessions() as db, db.begin():
            await self._erase_transcript(db, conversation_id)
            await db.execute(delete(InboundReceiptRow)
                             .where(InboundReceiptRow.conversation_id == conversation_id))
            conversation = await db.get(ConversationRow, conversation_id)
            if conversation is not None:
                await db.delete(conversation)

    @staticmethod
    async def _erase_transcript(db: AsyncSession | AsyncConnection, conversation_id: str) -> None:
        """Delete every logged message of a conversation.

        The handled-id receipts stay: they hold no content, and without them a message the
        channel redelivers after the erasure would be answered a second time.
        """
        await db.execute(delete(MessageRow).where(MessageRow.conversation_id == conversation_id))

    def _state(self, session: Session) -> dict[str, Any]:
        """Return the session as the state column keeps it (sealed when a key is set)."""
        record = session.to_record()
        return self._sealer.seal(record) if self._sealer else record

    def _session_from(self, conversation_id: str, state: dict[str, Any] | None, version: int,
                      updated_at: datetime) -> Session:
        """Rebuild a stored session (the channel and sender are parts of the conversation id)."""
        record = self._sealer.open(state) if self._sealer else dict(state or {})
        channel, _, sender_id = conversation_id.partition(":")
        return Session.from_record(conversation_id=conversation_id, channel=channel,
                                   sender_id=sender_id, record=record, version=version,
                                   updated_at=updated_at)

    async def _append(
        self,
        db: AsyncSession,
        conversation_id: str,
        bodies: Sequence[tuple[str, dict[str, Any]]],
        channel: str,
        now: datetime,
    ) -> tuple[int, int]:
        """Reserve sequence numbers atomically and insert the messages; return the range."""
        if not bodies:
            return 0, -1
        result = await db.execute(
            update(ConversationRow)
            .where(ConversationRow.id == conversation_id)
            .values(last_seq=ConversationRow.last_seq + len(bodies))
            .returning(ConversationRow.last_seq)
        )
        last = result.scalar_one_or_none()
        if last is None:  # a push to a chat that never wrote (e.g. a template to a known number)
            channel_name, _, sender = conversation_id.partition(":")
            db.add(ConversationRow(id=conversation_id, channel=channel_name, sender_id=sender,
                                   state={}, version=0, last_seq=len(bodies)))
            await db.flush()
            last = len(bodies)
        first = last - len(bodies) + 1
        await _insert_messages(db, conversation_id, first, bodies, now,
                               pending=channel in self.push_channels | self.pushes_only_channels)
        return first, last


async def _insert_messages(db: AsyncSession | AsyncConnection, conversation_id: str, first: int,
                           bodies: Sequence[tuple[str, dict[str, Any]]], now: datetime, *,
                           pending: bool) -> None:
    """Insert messages numbered from `first`; outbound ones await delivery when `pending`."""
    if not bodies:
        return
    await db.execute(insert(_MESSAGES), [
        {"conversation_id": conversation_id, "seq": first + offset, "direction": direction,
         "body": body, "created_at": now, "attempts": 0,
         "delivery": "pending" if pending and direction == "out" else None}
        for offset, (direction, body) in enumerate(bodies)])


def _event_rows(events: Sequence[MatchEvent]) -> list[dict[str, Any]]:
    """Return match events as rows, the query masked (no ID numbers or phones kept)."""
    return [{"kind": e.kind, "language": e.language, "query": mask(e.query)[:1000],
             "options": {"options": list(e.options)}, "chosen": e.chosen, "score": e.score}
            for e in events]


def _turn_path(engine: AsyncEngine, database_wait: float) -> TurnPath | None:
    """Return the turn's fast path for the engine's database, or None (in-memory SQLite).

    PostgreSQL: psycopg's own pool (bot.storage.pg_turns); a SQLite file: a connection and
    thread of its own (bot.storage.sqlite_turns).
    """
    if engine.dialect.name == "postgresql":
        # psycopg is imported only where it serves: 50 ms of every SQLite start-up
        from bot.storage.pg_turns import TurnConnections

        return TurnConnections(engine.url, wait=database_wait)
    database = engine.url.database or ""
    if engine.dialect.name == "sqlite" and database not in ("", ":memory:"):
        return SqliteTurns(database)
    return None
