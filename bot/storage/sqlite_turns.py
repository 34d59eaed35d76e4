"""A turn's read and write on SQLite in one hand-off each to a thread of their own.

Through SQLAlchemy and aiosqlite every statement of a turn was a hop to aiosqlite's thread and
back, seven a turn; here the read is one hop and the write (a transaction of four statements)
another. Other queries keep using SQLAlchemy; the stored formats are SQLAlchemy's own (JSON
text, naive UTC timestamps), so either reads what the other wrote.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, cast

from bot.storage.engine import sqlite_pragmas
from bot.storage.turn_path import TurnWrite

_OPEN_TURN = """
SELECT c.id, c.state, c.version, c.updated_at, r.conversation_id AS answered_in,
       r.first_seq, r.last_seq, r.summary
FROM (SELECT 1) AS anchor
LEFT OUTER JOIN bot_conversations AS c ON c.id = :conversation_id
LEFT OUTER JOIN bot_inbound_receipts AS r
    ON r.channel = :channel AND r.message_id = :message_id
    AND r.conversation_id = :conversation_id
"""
_SAVE_EXISTING = """
UPDATE bot_conversations
SET state = :state, version = version + 1, updated_at = :now, last_seq = last_seq + :count
WHERE id = :conversation_id AND version = :expected_version
RETURNING last_seq
"""
# as bot.storage.pg_turns: a row a push created before the first turn (version 0) is taken over
_SAVE_NEW = """
INSERT INTO bot_conversations (id, channel, sender_id, state, version, last_seq, created_at,
                               updated_at)
VALUES (:conversation_id, :session_channel, :sender_id, :state, 1, :count, :now, :now)
ON CONFLICT (id) DO UPDATE
SET state = excluded.state, version = bot_conversations.version + 1,
    updated_at = excluded.updated_at, last_seq = bot_conversations.last_seq + excluded.last_seq
WHERE bot_conversations.version = 0
RETURNING last_seq
"""
_LOG_MESSAGE = """
INSERT INTO bot_messages (conversation_id, seq, direction, body, created_at, attempts, delivery)
VALUES (?, ?, ?, ?, ?, 0, ?)
"""
_LOG_EVENT = """
INSERT INTO bot_match_events (kind, language, query, options, chosen, score, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
"""
# another chat's receipt of the same id stays (see bot.storage.sql.commit_turn)
_RECEIVED = """
INSERT OR IGNORE INTO bot_inbound_receipts (channel, message_id, conversation_id, first_seq,
                                            last_seq, created_at, summary)
VALUES (?, ?, ?, ?, ?, ?, ?)
"""


def stored_time(moment: datetime) -> str:
    """Return a moment as SQLAlchemy keeps it on SQLite: naive UTC with microseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def read_time(value: str | None) -> datetime | None:
    """Return a stored SQLite timestamp as an aware UTC moment."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


class SqliteTurns:
    """One SQLite connection, used by one thread, for the turn's read and write."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="msaidizi-turns")
        self._db: sqlite3.Connection | None = None

    async def open_turn(self, parameters: Mapping[str, Any]) -> dict[str, Any]:
        """Return the session row and the receipt of the message id (None where absent)."""
        return cast(dict[str, Any], await self._run(self._read, parameters))

    async def write_turn(self, turn: TurnWrite) -> int | None:
        """Write a turn in one transaction; return the last seq, or None if the session changed."""
        return cast(int | None, await self._run(self._write, turn))

    async def ping(self) -> None:
        """Nothing to check: the file is the engine's, which readiness pings."""

    async def close(self) -> None:
        """Close the connection and let the thread go."""
        if self._db is not None:
            await self._run(self._close)
        self._thread.shutdown(wait=False)

    async def _run(self, work: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._thread, work, *args)

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            # autocommit mode: transactions are begun explicitly, IMMEDIATE for writes
            self._db = sqlite3.connect(self._path, timeout=30, isolation_level=None,
                                       check_same_thread=False)
            # as bot.storage.engine sets every connection: this one may be the file's first
            sqlite_pragmas(self._db.cursor())
        return self._db

    def _read(self, parameters: Mapping[str, Any]) -> dict[str, Any]:
        cursor = self._connection().execute(_OPEN_TURN, dict(parameters))
        names = [column[0] for column in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
        row["state"] = json.loads(row["state"]) if row["state"] is not None else None
        row["summary"] = json.loads(row["summary"]) if row["summary"] is not None else None
        row["updated_at"] = read_time(row["updated_at"])
        return row

    def _write(self, turn: TurnWrite) -> int | None:
        db = self._connection()
        now = stored_time(turn.now)
        values = {"conversation_id": turn.conversation_id,
                  "session_channel": turn.session_channel, "sender_id": turn.sender_id,
                  "expected_version": turn.expected_version, "state": json.dumps(turn.state),
                  "now": now, "count": len(turn.messages)}
        db.execute("BEGIN IMMEDIATE")
        try:
            saved = db.execute(_SAVE_NEW if turn.new else _SAVE_EXISTING, values).fetchone()
            if saved is None:
                db.execute("ROLLBACK")
                return None
            last = int(saved[0])
            first = last - len(turn.messages) + 1
            cid = turn.conversation_id
            db.executemany(_LOG_MESSAGE, [
                (cid, first + offset, direction, json.dumps(body), now, delivery)
                for offset, (direction, body, delivery) in enumerate(turn.messages)])
            db.executemany(_LOG_EVENT, [
                (e["kind"], e["language"], e["query"], json.dumps(e["options"]), e["chosen"],
                 e["score"], now) for e in turn.events])
            if turn.message_id is not None:
                db.execute(_RECEIVED, (turn.channel, turn.message_id, cid, first, last, now,
                                       json.dumps(turn.summary)))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return last

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
