"""The turn's own psycopg pool: pings idle connections only, and survives lost ones."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bot.core.ports import SharedStateUnavailable
from bot.storage import pg_turns
from bot.storage.pg_turns import TurnConnections, conninfo
from tests.helpers.stalling_proxy import StallingProxy

pytestmark = pytest.mark.postgres

PID = "SELECT pg_backend_pid() AS pid, current_setting('search_path') AS path"


def test_conninfo_keeps_every_part_of_the_url_but_the_driver() -> None:
    url = make_url("postgresql+psycopg://msz:s%40c%20ret@db.internal:6432/bot"
                   "?options=-c%20search_path%3Dmsz_bot%20-cTimeZone%3DAfrica/Nairobi"
                   "&sslmode=require")
    parsed = psycopg.conninfo.conninfo_to_dict(conninfo(url))
    assert parsed == {"host": "db.internal", "port": "6432", "dbname": "bot", "user": "msz",
                      "password": "s@c ret", "sslmode": "require",
                      "options": "-c search_path=msz_bot -cTimeZone=Africa/Nairobi"}


async def test_options_with_spaces_reach_the_database(postgres_url: str) -> None:
    # a URL re-rendered for libpq turned these spaces into "+": every turn then failed
    spaced = postgres_url.replace("options=-csearch_path%3D", "options=-c%20search_path%3D")
    spaced += "%20-cTimeZone%3DAfrica/Nairobi"
    pool = TurnConnections(make_url(spaced), size=1)
    try:
        row = await pool.one("SELECT current_setting('TimeZone') AS zone", {})
        assert row == {"zone": "Africa/Nairobi"}
    finally:
        await pool.close()


@pytest.fixture
async def turns(postgres_url: str) -> AsyncIterator[TurnConnections]:
    pool = TurnConnections(make_url(postgres_url), size=1)
    yield pool
    await pool.close()


async def _pid(turns: TurnConnections) -> int:
    row = await turns.one(PID, {})
    assert row is not None
    return int(row["pid"])


async def _kill(pid: int, url: str) -> None:
    """End the backend of a pooled connection, as a database restart or failover would."""
    async with await psycopg.AsyncConnection.connect(conninfo(make_url(url)),
                                                     autocommit=True) as other:
        await other.execute("SELECT pg_terminate_backend(%s)", (pid,))


async def test_statements_run_in_the_urls_schema(turns: TurnConnections,
                                                 postgres_url: str) -> None:
    row = await turns.one(PID, {})
    assert row is not None and row["path"] in postgres_url


async def test_a_connection_used_a_moment_ago_is_not_pinged(
        turns: TurnConnections, monkeypatch: pytest.MonkeyPatch) -> None:
    await _pid(turns)  # opened (and pinged once, being new to the pool)
    executed: list[str] = []
    original = psycopg.AsyncConnection.execute

    async def spy(self: psycopg.AsyncConnection[object], query: object, *a: object,
                  **k: object) -> object:
        executed.append(str(query))
        return await original(self, query, *a, **k)  # type: ignore[call-overload]

    monkeypatch.setattr(psycopg.AsyncConnection, "execute", spy)
    for _ in range(5):
        await _pid(turns)
    assert executed.count("SELECT 1") == 0
    monkeypatch.setattr(pg_turns, "PING_AFTER_IDLE", -1.0)  # now every one sat too long
    await _pid(turns)
    assert executed.count("SELECT 1") == 1


async def test_an_idle_connection_that_died_is_replaced_before_use(
        turns: TurnConnections, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = await _pid(turns)
    await _kill(victim, postgres_url)
    monkeypatch.setattr(pg_turns, "PING_AFTER_IDLE", -1.0)
    assert await _pid(turns) != victim  # the ping failed, the pool connected afresh


async def test_a_read_on_a_connection_that_died_a_moment_ago_runs_again_on_a_new_one(
        turns: TurnConnections, postgres_url: str) -> None:
    victim = await _pid(turns)
    await _kill(victim, postgres_url)  # used a moment ago: not pinged before use
    row = await turns.one(PID, {}, idempotent=True)
    assert row is not None and row["pid"] != victim


async def test_a_write_on_a_connection_that_died_refuses_the_message_then_the_pool_recovers(
        turns: TurnConnections, postgres_url: str) -> None:
    victim = await _pid(turns)
    await _kill(victim, postgres_url)
    # it may or may not have landed: never run twice; the sender is asked to send again
    with pytest.raises(SharedStateUnavailable) as refused:
        await _pid(turns)
    assert refused.value.retry_after >= 1
    assert await _pid(turns) != victim


async def test_every_pooled_connection_lost_at_once_the_reads_are_still_answered(
        postgres_url: str) -> None:
    pool = TurnConnections(make_url(postgres_url), size=4)
    try:
        held = await asyncio.gather(*(_pid_slowly(pool) for _ in range(4)))
        for pid in set(held):
            await _kill(pid, postgres_url)  # a restart or failover: every connection dies
        answered = [await pool.one(PID, {}, idempotent=True) for _ in range(6)]
        assert all(row is not None and row["pid"] not in held for row in answered)
    finally:
        await pool.close()


async def _pid_slowly(pool: TurnConnections) -> int:
    """Return the backend pid of a connection held for a moment (so that four are opened)."""
    row = await pool.one("SELECT pg_backend_pid() AS pid, pg_sleep(0.2) IS NULL AS slept", {})
    assert row is not None
    return int(row["pid"])


async def test_a_statement_that_timed_out_is_refused_and_not_run_again(
        turns: TurnConnections) -> None:
    # a slow database is not a lost connection: running the read again would double its load
    ran: list[str] = []
    original = turns._run

    async def counted(sql: str, values: object) -> object:
        ran.append(sql)
        return await original(sql, values)  # type: ignore[arg-type]

    await turns.one("SELECT set_config('statement_timeout', '50', false) AS set", {})
    turns._run = counted  # type: ignore[method-assign]
    with pytest.raises(SharedStateUnavailable):
        await turns.one("SELECT pg_sleep(1) AS slept", {}, idempotent=True)
    assert len(ran) == 1


async def test_a_database_gone_silent_is_refused_in_bounded_time_then_the_pool_recovers(
        postgres_url: str) -> None:
    # a partition, not a refusal: the statement's bytes go nowhere and no error comes back.
    # Without the wait, the turn (and its connection and conversation lock) hung ~15 minutes.
    url = make_url(postgres_url)
    async with StallingProxy(url.host or "127.0.0.1", url.port or 5432).running() as proxy:
        pool = TurnConnections(url.set(host="127.0.0.1", port=proxy.port), size=1, wait=0.5)
        try:
            assert await pool.one("SELECT 1 AS one", {}) == {"one": 1}
            proxy.stall()
            started = time.monotonic()
            with pytest.raises(SharedStateUnavailable):
                await pool.one("SELECT 2 AS two", {}, idempotent=True)
            # the wait, then psycopg's own 5 s for the cancelled statement to end
            assert time.monotonic() - started < 0.5 + 5 + 1.5
            proxy.heal()
            answered = None
            for _ in range(20):  # connections opened after the partition answer again
                with contextlib.suppress(SharedStateUnavailable):
                    answered = await pool.one("SELECT 3 AS three", {}, idempotent=True)
                    break
            assert answered == {"three": 3}
        finally:
            await pool.close()
