"""One background worker at a time: a PostgreSQL session advisory lock elects it.

A second `msaidizi worker` (another host, or a restart overlapping the old one) waits as a
standby and takes over when the holder's connection ends. The lock is scoped to the database
schema, so deployments sharing one PostgreSQL server do not wait for each other.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger(__name__)

LOCK_NAME = "msaidizi-background"


class BackgroundLeader:
    """Hold the deployment's background lock on one dedicated connection."""

    def __init__(self, engine: AsyncEngine, *, retry_seconds: float = 5.0,
                 check_seconds: float = 10.0) -> None:
        self._engine = engine
        self._retry = retry_seconds
        self._check = check_seconds
        self._connection: AsyncConnection | None = None

    async def _try(self, connection: AsyncConnection) -> bool:
        held = await connection.scalar(text(
            "SELECT pg_try_advisory_lock(hashtext(:name || ':' || current_schema()))"
        ), {"name": LOCK_NAME})
        await connection.commit()  # never sit idle in a transaction while holding the lock
        return bool(held)

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this process holds the lock (True) or `stop` is set (False)."""
        connection = await self._engine.connect()
        waited = False
        while not await self._try(connection):
            if not waited:
                logger.info("Another background worker holds the lock: waiting as a standby")
                waited = True
            try:
                await asyncio.wait_for(stop.wait(), self._retry)
            except TimeoutError:
                continue
            await connection.close()
            return False
        self._connection = connection
        logger.info("This process is the background worker")
        return True

    async def watch(self, stop: asyncio.Event) -> None:
        """Return when the lock's connection fails (the lock may be gone) or `stop` is set."""
        assert self._connection is not None
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self._check)
                return
            except TimeoutError:
                pass
            try:
                await self._connection.scalar(text("SELECT 1"))
                await self._connection.commit()
            except Exception:  # any failure: the lock cannot be trusted any more
                logger.exception("Lost the background lock's connection")
                return

    async def release(self) -> None:
        """Let go of the lock before the connection returns to the pool."""
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT pg_advisory_unlock_all()"))
                await self._connection.commit()
            except Exception:  # a dead connection holds nothing: invalidate it instead
                await self._connection.invalidate()
            finally:
                await self._connection.close()
                self._connection = None
