"""The SQL conversation store on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.core.messages import Choice, ChoicesReply, InboundMessage, TextReply
from bot.core.ports import ConcurrentUpdateError, MatchEvent
from bot.core.results import TicketOpened, TurnResult
from bot.core.session import Session
from bot.storage import schema
from bot.storage.engine import create_engine
from bot.storage.sql import SqlConversationStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlConversationStore]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    schema.upgrade(url)
    engine = create_engine(url)
    store = SqlConversationStore(engine)
    yield store
    await store.close()
    if request.param == "postgres":
        async with engine.begin() as connection:
            from sqlalchemy import text

            await connection.execute(text("DELETE FROM bot_messages"))
            await connection.execute(text("DELETE FROM bot_match_events"))
            await connection.execute(text("DELETE FROM bot_inbound_receipts"))
            await connection.execute(text("DELETE FROM bot_conversations"))
    await engine.dispose()


def message(text: str = "hi", message_id: str | None = None, sender: str = "s1") -> InboundMessage:
    return InboundMessage("test", sender, text, message_id=message_id)


async def answer(store: SqlConversationStore, sent: InboundMessage, replies: list[Any],
                 events: Sequence[MatchEvent] = (),
                 summary: dict[str, Any] | None = None) -> None:
    """Open and commit one turn, as the conversation core does."""
    session = await store.open_turn(sent)
    assert isinstance(session, Session)
    await store.commit_turn(session, sent, replies, events, summary)


async def test_store_new_conversation_round_trip(store: SqlConversationStore) -> None:
    session = await store.load(message())
    assert session.is_new
    session.locale = "sw"
    session.choices = [Choice("Ndiyo", "yes")]
    await store.commit_turn(session, message(), [TextReply("one"), ChoicesReply("two", (Choice("a", "b"),))])
    again = await store.load(message())
    assert (again.locale, again.choices, again.version, again.is_new) == ("sw", [Choice("Ndiyo", "yes")], 1, False)
    log = await store.messages_after("test:s1", 0)
    assert [(m.seq, m.direction, m.body["text"]) for m in log] == [(1, "in", "hi"), (2, "out", "one"), (3, "out", "two")]
    assert log[2].body["choices"] == [{"title": "a", "payload": "b"}]


async def test_store_duplicate_replies_come_back(store: SqlConversationStore) -> None:
    first = message("hello", "wamid.1")
    session = await store.load(first)
    await store.commit_turn(session, first, [TextReply("answer")])
    summary = {"events": [{"kind": "ticket_opened", "number": "T-000001", "status": "pending"}],
               "locale": "sw", "linked": True, "flow": "handoff", "pushed": []}
    await store.commit_turn(session, second := message("again", "wamid.3"),
                            [TextReply("answer 2")], summary=summary)
    kept = await store.result_for_duplicate(first)
    assert kept is not None and kept.duplicate and [r.text for r in kept.replies] == ["answer"]
    replayed = await store.result_for_duplicate(second)
    assert replayed is not None and replayed.summary() == summary
    assert replayed.event(TicketOpened) == TicketOpened("T-000001", "pending")
    assert await store.result_for_duplicate(message("hello", "wamid.2")) is None


async def test_store_stale_session_is_refused(store: SqlConversationStore) -> None:
    session = await store.load(message())
    await store.commit_turn(session, message(), [])
    stale = await store.load(message())
    fresh = await store.load(message())
    await store.commit_turn(fresh, message(), [])
    with pytest.raises(ConcurrentUpdateError):
        await store.commit_turn(stale, message(), [])


async def test_store_pushes_are_ordered_after_turns(store: SqlConversationStore) -> None:
    session = await store.load(message())
    await store.commit_turn(session, message(), [TextReply("reply")])
    seqs = await asyncio.gather(*(store.append_outbound("test:s1", [TextReply(f"push {i}")]) for i in range(10)))
    flat = sorted(s for group in seqs for s in group)
    assert flat == list(range(3, 13))
    assert [m.seq for m in await store.messages_after("test:s1", 2, direction="out")] == flat


async def test_store_erase_conversation_removes_everything(store: SqlConversationStore) -> None:
    first = message("hello", "x1")
    session = await store.load(first)
    await store.commit_turn(session, first, [TextReply("answer")])
    await store.erase_conversation("test:s1")
    assert await store.load_by_id("test:s1") is None
    assert await store.messages_after("test:s1", 0) == []
    assert await store.result_for_duplicate(first) is None


class Statements:
    """Counts the statements a store runs, and SQLAlchemy's transactions.

    On PostgreSQL the turn's own statements go through psycopg's pool, in autocommit: each
    is a transaction of its own, counted here as one.
    """

    def __init__(self, store: SqlConversationStore) -> None:
        from sqlalchemy import event

        self.sql: list[str] = []
        self.transactions = 0
        engine = store._engine.sync_engine
        event.listen(engine, "before_cursor_execute", lambda *a: self.sql.append(a[2]))
        event.listen(engine, "begin", lambda *_: self._began())
        turns = store._turns
        if turns is not None:  # the turn's read and write, each one statement or hand-off
            read, write = turns.open_turn, turns.write_turn
            written = "WITH" if store._engine.dialect.name == "postgresql" else "WRITE"

            async def reading(parameters: Any) -> Any:
                self.sql.append("SELECT (the turn's read)")
                self._began()
                return await read(parameters)

            async def writing(turn: Any) -> Any:
                self.sql.append(f"{written} (the turn's write)")
                self._began()
                return await write(turn)

            turns.open_turn = reading  # type: ignore[method-assign]
            turns.write_turn = writing  # type: ignore[method-assign]

    def _began(self) -> None:
        self.transactions += 1


async def test_a_turn_is_one_read_and_one_write(store: SqlConversationStore) -> None:
    first = message("hello", "m1")
    await answer(store, first, [TextReply("one"), TextReply("two")])
    counted = Statements(store)
    second = message("again", "m2")
    session = await store.open_turn(second)
    assert isinstance(session, Session) and session.version == 1
    await store.commit_turn(session, second, [TextReply("three")],
                            [MatchEvent("fallback", "again", "en")], {"locale": "en"})
    kinds = [sql.split()[0].upper() for sql in counted.sql]
    if store._engine.dialect.name == "postgresql":  # one statement writes it all, atomically
        assert (kinds, counted.transactions) == (["SELECT", "WITH"], 2)
        first_turn = Statements(store)
        opened = await store.open_turn(new := message("hi", "n1", sender="s2"))
        assert isinstance(opened, Session)
        await store.commit_turn(opened, new, [TextReply("hello")])  # a new conversation too
        assert [sql.split()[0] for sql in first_turn.sql] == ["SELECT", "WITH"]
    else:  # the read, and the write's transaction, each in one hand-off to the turn thread
        assert (kinds, counted.transactions) == (["SELECT", "WRITE"], 2)
    log = await store.messages_after("test:s1", 0)
    assert [(m.seq, m.direction, m.body["text"]) for m in log] == [
        (1, "in", "hello"), (2, "out", "one"), (3, "out", "two"), (4, "in", "again"),
        (5, "out", "three")]
    assert [(e.kind, e.query, e.language) for e in await store.match_events()] == [
        ("fallback", "again", "en")]
    replayed = await store.result_for_duplicate(second)
    assert replayed is not None and [r.text for r in replayed.replies] == ["three"]
    assert replayed.summary()["locale"] == "en"
    assert (await store.load(second)).version == 2


async def test_a_turn_behind_a_changed_session_writes_nothing(
    store: SqlConversationStore,
) -> None:
    first = message("hello", "m1")
    await answer(store, first, [TextReply("one")])
    stale = await store.open_turn(message("a", "m2"))
    fresh = await store.open_turn(message("b", "m3"))
    assert isinstance(stale, Session) and isinstance(fresh, Session)
    await store.commit_turn(fresh, message("b", "m3"), [TextReply("two")],
                            [MatchEvent("answered", "b", "en")])
    with pytest.raises(ConcurrentUpdateError):
        await store.commit_turn(stale, message("a", "m2"), [TextReply("lost")],
                                [MatchEvent("answered", "a", "en")], {"locale": "en"})
    log = await store.messages_after("test:s1", 0)
    assert [m.body["text"] for m in log] == ["hello", "one", "b", "two"]  # nothing of "a"
    assert [e.query for e in await store.match_events()] == ["b"]
    assert await store.result_for_duplicate(message("a", "m2")) is None


async def test_a_redelivered_message_is_answered_from_the_same_read(
    store: SqlConversationStore,
) -> None:
    first = message("hello", "m1")
    await answer(store, first, [TextReply("answer")], summary={"locale": "sw"})
    counted = Statements(store)
    again = await store.open_turn(first)
    assert isinstance(again, TurnResult) and again.duplicate
    assert ([r.text for r in again.replies], again.locale) == (["answer"], "sw")
    # the receipt read, then the replies: two reads, each on its own connection
    assert (len(counted.sql), counted.transactions) == (2, 2)


async def test_a_first_turn_takes_over_a_conversation_a_push_started(
    store: SqlConversationStore,
) -> None:
    await store.append_outbound("test:s1", [TextReply("Your payment was received.")])
    first = message("hello", "m1")
    session = await store.open_turn(first)
    assert isinstance(session, Session) and session.version == 0
    await store.commit_turn(session, first, [TextReply("Hello!")], summary={"locale": "en"})
    log = await store.messages_after("test:s1", 0)
    assert [(m.seq, m.direction, m.body["text"]) for m in log] == [
        (1, "out", "Your payment was received."), (2, "in", "hello"), (3, "out", "Hello!")]
    assert (await store.load(first)).version == 1
    replayed = await store.result_for_duplicate(first)
    assert replayed is not None and [r.text for r in replayed.replies] == ["Hello!"]


async def test_two_first_turns_of_one_conversation_keep_only_the_first(
    store: SqlConversationStore,
) -> None:
    one, two = message("one", "m1"), message("two", "m2")
    early, late = await store.open_turn(one), await store.open_turn(two)
    assert isinstance(early, Session) and isinstance(late, Session) and late.is_new
    await store.commit_turn(early, one, [TextReply("first answer")],
                            [MatchEvent("answered", "one", "en")])
    with pytest.raises(ConcurrentUpdateError):  # another worker started this conversation
        await store.commit_turn(late, two, [TextReply("second answer")],
                                [MatchEvent("answered", "two", "en")], {"locale": "en"})
    assert [m.body["text"] for m in await store.messages_after("test:s1", 0)] == [
        "one", "first answer"]
    assert [e.query for e in await store.match_events()] == ["one"]
    assert await store.result_for_duplicate(two) is None


async def test_a_message_id_another_chat_used_never_replays_that_chats_replies(
    store: SqlConversationStore,
) -> None:
    # a page picks its own message ids: one chat must not read another's answers with them
    mine = message("my ID number is 12345678", "client-1", sender="victim")
    await answer(store, mine, [TextReply("Your application PP-1 is ready.")])
    theirs = message("anything", "client-1", sender="stranger")
    session = await store.open_turn(theirs)
    assert isinstance(session, Session) and session.is_new  # not the victim's replay
    await store.commit_turn(session, theirs, [TextReply("Hello!")])  # and still answered
    assert [m.body["text"] for m in await store.messages_after("test:stranger", 0)] == [
        "anything", "Hello!"]
    replayed = await store.result_for_duplicate(mine)  # the victim's own redelivery still works
    assert replayed is not None and [r.text for r in replayed.replies] == [
        "Your application PP-1 is ready."]


async def test_a_nul_in_a_message_does_not_fail_its_turn(store: SqlConversationStore) -> None:
    sent = message("pass\x00port", "n1")
    await answer(store, sent, [TextReply("ok")], [MatchEvent("answered", sent.text, "en")])
    assert [m.body["text"] for m in await store.messages_after("test:s1", 0)] == ["passport",
                                                                                  "ok"]


async def test_a_tickets_transcript_is_the_logs_last_lines(store: SqlConversationStore) -> None:
    session = await store.open_turn(message("hello"))
    assert isinstance(session, Session)
    await store.commit_turn(session, message("hello"), [TextReply("Hi! How can I help?")])
    tap = InboundMessage("test", "s1", "", choice="faq")  # a tap without words is no line
    await answer(store, tap, [TextReply("Common questions")])
    await store.append_outbound("test:s1", [TextReply("Your payment was received.")])
    lines = await store.recent_lines("test:s1")
    assert [(line["role"], line["text"]) for line in lines] == [
        ("citizen", "hello"), ("bot", "Hi! How can I help?"), ("bot", "Common questions"),
        ("bot", "Your payment was received.")]
    assert all(line["at"] for line in lines)
    assert [line["text"] for line in await store.recent_lines("test:s1", limit=2)] == [
        "Common questions", "Your payment was received."]
    assert "history" not in session.to_record()  # the session state carries no transcript


async def test_the_sqlite_turn_connection_keeps_the_file_in_wal_mode(tmp_path: Path) -> None:
    # the turn's own connection may be the first to open the file: readers must not block
    # the writer, whichever connection came first
    import sqlite3

    url = f"sqlite+aiosqlite:///{tmp_path / 'first.db'}"
    schema.upgrade(url)
    with sqlite3.connect(tmp_path / "first.db") as db:
        db.execute("PRAGMA journal_mode=DELETE")
    engine = create_engine(url)
    store = SqlConversationStore(engine)
    first = message("hello", "w1")
    await answer(store, first, [TextReply("Hi!")])  # the turn thread opens the file first
    await store.close()
    await engine.dispose()
    with sqlite3.connect(tmp_path / "first.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
