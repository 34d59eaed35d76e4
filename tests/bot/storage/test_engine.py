"""The assistant's PostgreSQL engine: pings only idle connections, and survives a lost one."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import engine as engine_module
from bot.storage.engine import create_engine, sqlite_pragmas

pytestmark = pytest.mark.postgres


@pytest.fixture
async def engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    created = create_engine(postgres_url)
    yield created
    await created.dispose()


async def _pid(engine: AsyncEngine) -> int:
    async with engine.connect() as db:
        return int((await db.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _kill_a_pooled_connection(engine: AsyncEngine, url: str) -> int:
    """Kill the backend of the connection `engine` pools, as a restart or failover would."""
    victim = await _pid(engine)
    other = create_engine(url)
    try:
        async with other.connect() as db:
            await db.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim})
    finally:
        await other.dispose()
    return victim


async def test_a_connection_used_a_moment_ago_is_not_pinged(engine: AsyncEngine,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pings = 0
    ping = engine.sync_engine.dialect.do_ping

    def counting(connection: object) -> bool:
        nonlocal pings
        pings += 1
        return bool(ping(connection))

    monkeypatch.setattr(engine.sync_engine.dialect, "do_ping", counting)
    await _pid(engine)  # a connection just opened answered its handshake: no ping
    for _ in range(5):
        await _pid(engine)
    assert pings == 0
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE", -1.0)  # now every one sat too long
    await _pid(engine)
    assert pings == 1


async def test_an_idle_connection_that_died_is_replaced_before_use(
        engine: AsyncEngine, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = await _kill_a_pooled_connection(engine, postgres_url)
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE", -1.0)
    assert await _pid(engine) != victim  # the ping failed, the pool connected afresh


async def test_a_recently_used_connection_that_died_fails_once_then_the_pool_recovers(
        engine: AsyncEngine, postgres_url: str) -> None:
    victim = await _kill_a_pooled_connection(engine, postgres_url)
    with pytest.raises(DBAPIError) as failed:
        await _pid(engine)
    assert failed.value.connection_invalidated
    assert await _pid(engine) != victim


def test_sqlite_pragmas_switch_a_free_file_to_wal(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "free.db", isolation_level=None)
    sqlite_pragmas(db.cursor())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
    db.close()


def test_sqlite_pragmas_on_a_file_another_connection_holds_do_not_fail(tmp_path: Path) -> None:
    """Switching to WAL needs the file to itself, and SQLite refuses at once, without waiting."""
    path = tmp_path / "held.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    newcomer = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    sqlite_pragmas(newcomer.cursor())  # "database is locked" before: a turn failed with it
    holder.execute("COMMIT")
    assert newcomer.execute("SELECT count(*) FROM t").fetchone()[0] == 1
    holder.close()
    newcomer.close()


async def test_connections_give_up_on_a_silent_database(engine: AsyncEngine,
                                                        postgres_url: str) -> None:
    # a partition would otherwise hold a statement ~15 minutes (bot/storage/pg_turns has the
    # turn's own pool tried behind a stalled network)
    from backend.core.db import make_engine

    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        dsn = raw.driver_connection.info.dsn  # type: ignore[union-attr]
    backend = make_engine(postgres_url)
    with backend.connect() as connection:
        backend_dsn = connection.connection.dbapi_connection.info.dsn  # type: ignore[union-attr]
    backend.dispose()
    for made in (dsn, backend_dsn):
        assert "tcp_user_timeout=15000" in made and "connect_timeout=5" in made
        assert "keepalives=1" in made
