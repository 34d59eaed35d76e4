"""A turn's read and write on PostgreSQL through psycopg's own pool (no SQLAlchemy in between).

A turn runs two statements. Through SQLAlchemy's asyncio layer each cost about 450 us of CPU
(a checkout, greenlet hand-offs, result processing); through psycopg's pool 130 us. Other
queries keep using SQLAlchemy: only the hot path is written out here, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from psycopg import AsyncConnection, OperationalError
from psycopg.conninfo import make_conninfo
from psycopg.rows import DictRow, dict_row
from psycopg.types.json import Json
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from sqlalchemy.engine import URL

from bot.core.ports import SharedStateUnavailable

# An idle connection is pinged before use, as for SQLAlchemy's pool: a database restart or a
# dropped socket then costs a reconnect, not a failed turn.
from bot.storage.engine import PING_AFTER_IDLE
from bot.storage.turn_path import DATABASE_WAIT, TurnWrite
from common.db_errors import connection_lost, worth_retrying
from common.network_waits import libpq_defaults

logger = logging.getLogger(__name__)

OPEN_TURN = """
SELECT c.id, c.state, c.version, c.updated_at, r.conversation_id AS answered_in,
       r.first_seq, r.last_seq, r.summary
FROM (SELECT 1) AS anchor
LEFT OUTER JOIN bot_conversations AS c ON c.id = %(conversation_id)s
LEFT OUTER JOIN bot_inbound_receipts AS r
    ON r.channel = %(channel)s AND r.message_id = %(message_id)s
    AND r.conversation_id = %(conversation_id)s
"""

# One statement, atomic on its own: saving the session reserves the sequence numbers, and
# the inserts of messages, match events and the receipt read them from it (no session saved,
# nothing inserted). In autocommit that is one round trip instead of BEGIN, four statements
# and COMMIT.
_SAVE_EXISTING = """
    UPDATE bot_conversations
    SET state = %(state)s, version = version + 1, updated_at = %(now)s,
        last_seq = last_seq + %(count)s
    WHERE id = %(conversation_id)s AND version = %(expected_version)s
    RETURNING last_seq"""
# A new session inserts its row; a row a push created before the first turn (version 0) is
# taken over as the update above would; a row another worker saved meanwhile stays as it is.
_SAVE_NEW = """
    INSERT INTO bot_conversations AS c (id, channel, sender_id, state, version, last_seq,
                                        created_at, updated_at)
    VALUES (%(conversation_id)s, %(session_channel)s, %(sender_id)s, %(state)s, 1, %(count)s,
            %(now)s, %(now)s)
    ON CONFLICT (id) DO UPDATE
    SET state = EXCLUDED.state, version = c.version + 1, updated_at = EXCLUDED.updated_at,
        last_seq = c.last_seq + EXCLUDED.last_seq
    WHERE c.version = 0
    RETURNING last_seq"""
_WRITE_REST = """
), logged AS (
    INSERT INTO bot_messages (conversation_id, seq, direction, body, created_at, attempts,
                              delivery)
    SELECT %(conversation_id)s, saved.last_seq - %(count)s + m.position, m.direction, m.body,
           %(now)s, 0, m.delivery
    FROM saved, json_to_recordset(%(messages)s)
        AS m(position integer, direction text, body json, delivery text)
), matched AS (
    INSERT INTO bot_match_events (kind, language, query, options, chosen, score, created_at)
    SELECT e.kind, e.language, e.query, e.options, e.chosen, e.score, %(now)s
    FROM saved, json_to_recordset(%(events)s)
        AS e(kind text, language text, query text, options json, chosen text,
             score double precision)
), received AS (
    INSERT INTO bot_inbound_receipts (channel, message_id, conversation_id, first_seq,
                                      last_seq, created_at, summary)
    SELECT %(channel)s, CAST(%(message_id)s AS text), %(conversation_id)s,
           saved.last_seq - %(count)s + 1, saved.last_seq, %(now)s, %(summary)s
    FROM saved WHERE CAST(%(message_id)s AS text) IS NOT NULL
    ON CONFLICT (channel, message_id) DO NOTHING  -- another chat's id: see sql.commit_turn
)
SELECT last_seq FROM saved
"""
WRITE_TURN = {new: "WITH saved AS (" + save + _WRITE_REST
              for new, save in ((False, _SAVE_EXISTING), (True, _SAVE_NEW))}
_JSON_PARAMETERS = ("state", "messages", "events", "summary")


def conninfo(url: URL) -> str:
    """Return libpq's connection string for a SQLAlchemy PostgreSQL URL.

    Built from the parsed parts, not re-rendered as a URL: rendering writes a space in the
    query as "+", which libpq keeps (`options=-c search_path=x` then failed to connect).
    """
    parts = {name: str(value) for name, value in
             url.translate_connect_args(username="user", database="dbname").items()}
    query = {name: ",".join(value) if isinstance(value, tuple) else value
             for name, value in url.query.items()}  # several hosts: libpq's comma list
    return make_conninfo("", **parts, **query)


class TurnConnections:
    """psycopg's pool for the turn's statements, opened on first use in the serving loop."""

    def __init__(self, url: URL, *, size: int = 10, wait: float = DATABASE_WAIT) -> None:
        self._pool: AsyncConnectionPool[AsyncConnection[DictRow]] = AsyncConnectionPool(
            conninfo(url), min_size=1, max_size=size, open=False, timeout=wait,
            connection_class=AsyncConnection[DictRow],
            # prepared after five uses, as psycopg does by default; autocommit: each statement
            # is its own transaction, so a turn's read and write need no BEGIN and no COMMIT
            kwargs={"autocommit": True, "prepare_threshold": 5, "row_factory": dict_row,
                    **libpq_defaults(url.query)},
            # no `reset`: with one, the pool returns every connection through a task of its
            # own worker (a hand-off per statement); `one` notes the last use itself
            check=self._check)
        self._wait = wait
        self._checking: asyncio.Task[None] | None = None
        self._opening = asyncio.Lock()
        self._open = False
        self._last_used: weakref.WeakKeyDictionary[AsyncConnection[DictRow], float] = (
            weakref.WeakKeyDictionary())

    async def one(self, sql: str, parameters: Mapping[str, Any], *,
                  idempotent: bool = False) -> DictRow | None:
        """Run one statement in autocommit; return its first row, if any.

        A connection the database dropped (a restart, a failover) fails the statement it
        carries; the pool's idle connections are then checked, so that the next turns do not
        meet the others. An idempotent statement runs once more; otherwise, or when that fails
        too, the message is refused with `SharedStateUnavailable` (a translated 503): the
        sender sends it again, and a message id whose write had landed meets its receipt.
        A statement unanswered after `wait` seconds (a database gone silent behind a
        partition) is cancelled and refused the same way, and is not run again.
        """
        if not self._open:
            await self._start()
        values = {name: Json(value) if name in _JSON_PARAMETERS and value is not None
                  else value for name, value in parameters.items()}
        try:
            return await self._run(sql, values)
        except PoolTimeout as exc:  # no connection within the pool's wait: the database is away
            raise _unavailable(exc) from exc
        except TimeoutError as exc:  # the database went silent: running it again would wait too
            self._start_check()  # its idle connections are likely behind the same silence
            raise _unavailable(exc) from exc
        except OperationalError as exc:
            # a socket that failed has no SQLSTATE
            if exc.sqlstate is not None and not connection_lost(exc.sqlstate):
                if worth_retrying(exc.sqlstate):  # a timeout, a deadlock: the sender tries again
                    raise _unavailable(exc) from exc
                raise  # disk full, a broken statement: a fault to see, not to retry
            await self._check_pool()
            if not idempotent:
                raise _unavailable(exc) from exc
            logger.warning("A database connection was lost (%s); the read runs again",
                           type(exc).__name__)
        try:
            return await self._run(sql, values)
        except (OperationalError, TimeoutError) as exc:  # PoolTimeout too
            raise _unavailable(exc) from exc

    async def _run(self, sql: str, values: Mapping[str, Any]) -> DictRow | None:
        # psycopg cancels a statement interrupted here on the server (up to 5 s more for the
        # cancel to reach a silent one, then 5 s for its end before it closes the connection)
        async with asyncio.timeout(self._wait), self._pool.connection() as connection:
            try:
                cursor = await connection.execute(sql, values)
                return await cursor.fetchone()
            finally:
                self._last_used[connection] = time.monotonic()

    async def _check_pool(self) -> None:
        """Check the pool's idle connections, waiting for the check at most `wait` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._start_check()), self._wait)

    def _start_check(self) -> asyncio.Task[None]:
        """Start checking the pool's idle connections, unless a check is running.

        The check pings them one after another; behind a partition each ping waits for the
        kernel to end its connection, so the check runs as a task of its own that no turn
        interrupts (an interrupted check would lose the connections it holds).
        """
        if self._checking is None or self._checking.done():
            self._checking = asyncio.create_task(self._pool.check())
        return self._checking

    async def open_turn(self, parameters: Mapping[str, Any]) -> dict[str, Any]:
        """Return the session row and the receipt of the message id (None where absent)."""
        row = await self.one(OPEN_TURN, parameters, idempotent=True)
        assert row is not None  # the anchor makes one row, found or not
        return {**row, "updated_at": aware(row["updated_at"])}

    async def write_turn(self, turn: TurnWrite) -> int | None:
        """Write the turn in one statement; return the last seq, or None if the session changed."""
        saved = await self.one(WRITE_TURN[turn.new], {
            "conversation_id": turn.conversation_id, "session_channel": turn.session_channel,
            "sender_id": turn.sender_id, "expected_version": turn.expected_version,
            "state": turn.state, "now": turn.now, "count": len(turn.messages),
            "messages": [{"position": position, "direction": direction, "body": body,
                          "delivery": delivery}
                         for position, (direction, body, delivery)
                         in enumerate(turn.messages, start=1)],
            "events": turn.events, "channel": turn.channel, "message_id": turn.message_id,
            "summary": turn.summary})
        return None if saved is None else int(saved["last_seq"])

    async def ping(self) -> None:
        """Raise unless the pool's database answers (the readiness check)."""
        await self.one("SELECT 1 AS one", {}, idempotent=True)

    async def close(self) -> None:
        """Close every connection of the pool."""
        if self._checking is not None:  # no task of ours outlives the pool
            self._checking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checking
        if self._open:
            await self._pool.close()
            self._open = False

    async def _start(self) -> None:
        async with self._opening:
            if not self._open:
                await self._pool.open(wait=False)
                self._open = True

    async def _check(self, connection: AsyncConnection[DictRow]) -> None:
        """Ping a connection that sat idle; the pool replaces one that fails."""
        if time.monotonic() - self._last_used.get(connection, 0.0) > PING_AFTER_IDLE:
            await connection.execute("SELECT 1")
        self._last_used[connection] = time.monotonic()


def _unavailable(exc: Exception) -> SharedStateUnavailable:
    logger.warning("The database did not answer (%s, SQLSTATE %s): the sender is asked to "
                   "send again", type(exc).__name__, getattr(exc, "sqlstate", None))
    return SharedStateUnavailable()


def aware(moment: Any) -> Any:
    """Return a timestamp in UTC, as the SQLAlchemy column type gives it."""
    return moment.astimezone(UTC) if moment is not None else None
