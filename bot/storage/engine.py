"""Create the async engine with settings that suit each database."""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection, Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from common.network_waits import libpq_defaults

logger = logging.getLogger(__name__)

# A pooled connection used less than this many seconds ago is not pinged again before use:
# a busy worker would otherwise spend one database round trip of every checkout (two per
# turn) asking whether a connection it used a moment ago is still there.
PING_AFTER_IDLE = 2.0
_USED = "msaidizi_used_at"


def create_engine(url: str) -> AsyncEngine:
    """Return an async engine; SQLite gets WAL and a busy timeout so writers wait, not fail."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # The pool keeps what it may open: connections opened beyond it and closed on return
    # were new PostgreSQL backends again and again under load. Ten, and ten more in the pool
    # of the turn's own statements (bot.storage.pg_turns): 20 a worker, as before that pool.
    engine = create_async_engine(url, pool_size=10, max_overflow=0,
                                 connect_args=libpq_defaults(make_url(url).query))
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Ping a connection on checkout when it sat idle, as `pool_pre_ping` does on every one.

    A connection that fails the ping is replaced (the pool retries the checkout); one that
    breaks in spite of a recent use fails its statement, the pool is invalidated, and the
    next checkouts connect afresh.
    """
    dialect: Dialect = engine.sync_engine.dialect

    def checkout(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry,
                 _: PoolProxiedConnection) -> None:
        if time.monotonic() - float(record.info.get(_USED, 0.0)) <= PING_AFTER_IDLE:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("the database connection did not answer a ping") from exc

    def used(_: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
        record.info[_USED] = time.monotonic()  # a connection just opened is known to answer

    event.listen(engine.sync_engine, "connect", used)
    event.listen(engine.sync_engine, "checkout", checkout)
    event.listen(engine.sync_engine, "checkin", used)


async def ping(engine: AsyncEngine) -> None:
    """Raise unless the database answers a trivial query."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def _sqlite_pragmas(connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
    cursor: Any = connection.cursor()
    sqlite_pragmas(cursor)
    cursor.close()


def sqlite_pragmas(cursor: Any) -> None:
    """Set what every SQLite connection of ours needs: a busy timeout, WAL, NORMAL syncs.

    The timeout comes first. WAL is kept by the file, so it is asked for only when the file is
    not in WAL yet; switching needs the file to itself, and when another connection holds it
    (one of ours, which switches it) SQLite refuses at once, without waiting: no failure.
    """
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode")
    if str(cursor.fetchone()[0]).lower() != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except Exception as exc:  # sqlite3's or its adapter's OperationalError
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            logger.warning("SQLite file busy: WAL left to the connection holding it")
    cursor.execute("PRAGMA synchronous=NORMAL")
