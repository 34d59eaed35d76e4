"""Per-conversation locks: in-process for one worker, Redis when several workers share chats."""

from __future__ import annotations

import asyncio
import logging
import secrets
import weakref
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from typing import TYPE_CHECKING

from bot.core.ports import Admission, ConversationBusy, QuotaHit, SharedStateUnavailable
from bot.storage.redis_names import RedisNames
from bot.storage.redis_scripts import RedisGateScripts, RedisQuotas, seconds
from bot.storage.signals import MESSAGES

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

# Turns of one conversation that may wait in a worker behind the running one. A citizen's
# page sends one message at a time and Telegram a few; more is a flood (or a forged REST
# sender), refused at once instead of each holding a request open until the deadline.
MAX_WAITING = 10


class LocalLocks:
    """asyncio locks keyed by conversation, forgotten when no turn holds or awaits them."""

    def __init__(self, max_waiting: int = MAX_WAITING) -> None:
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._waiting: Counter[str] = Counter()
        self._max_waiting = max_waiting

    def lock_for(self, conversation_id: str) -> asyncio.Lock:
        """Return the conversation's lock (kept while someone holds a reference to it)."""
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[conversation_id] = lock
        return lock

    @asynccontextmanager
    async def hold(self, conversation_id: str,
                   deadline: float | None = None) -> AsyncIterator[None]:
        """Hold the conversation's lock for one turn.

        Raises `ConversationBusy` when too many turns of the conversation already wait, and
        TimeoutError when the lock is not free by `deadline` (the loop's clock).
        """
        if self._waiting[conversation_id] >= self._max_waiting:
            raise ConversationBusy(1)
        lock = self.lock_for(conversation_id)
        self._waiting[conversation_id] += 1
        try:
            async with asyncio.timeout_at(deadline):
                await lock.acquire()
        finally:
            self._waiting[conversation_id] -= 1
            if not self._waiting[conversation_id]:
                del self._waiting[conversation_id]
        try:
            yield
        finally:
            lock.release()


class RedisLocks:
    """Redis locks so that two workers never run turns of one conversation at once.

    Turns of one conversation in the same worker first queue on a local lock: they take the
    Redis lock one after another, woken at once, instead of polling Redis together. Only
    turns in different workers poll, every `poll` seconds (redis-py's default of 0.1 s made
    a message sent twice wait up to 100 ms more than its turn took).

    A turn's lock and quotas are taken in one round trip, and its release and announcement
    made in another (bot/storage/redis_scripts.py).
    """

    def __init__(self, redis: Redis, names: RedisNames, *, timeout: float = 60.0,
                 wait: float = 30.0, poll: float = 0.01, max_waiting: int = MAX_WAITING) -> None:
        from redis.exceptions import RedisError  # imported only where a deployment uses Redis

        self._redis = redis
        self._names = names
        self._scripts = RedisGateScripts(redis, names)
        self._lifetime_ms = int(timeout * 1000)  # a crashed worker's lock expires
        self._wait = wait
        self._poll = poll
        self._local = LocalLocks(max_waiting)
        self._down = (RedisError, OSError)

    @property
    def quotas(self) -> RedisQuotas:
        """Return the quota counters on the same scripts (code requests count there)."""
        return RedisQuotas(self._scripts)

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        """Hold the conversation's lock for one turn, across workers."""
        async with self.admit(conversation_id, ()):
            yield

    @asynccontextmanager
    async def admit(self, conversation_id: str,
                    hits: Sequence[QuotaHit]) -> AsyncIterator[Admission]:
        """Hold the conversation's lock and count `hits` once it is held.

        One deadline (`wait`) covers the queue in this worker and the Redis lock: a turn
        queued behind many others, or behind a dead worker's lock, gives up as before. When
        Redis does not answer, the message is refused (`SharedStateUnavailable`), not lost.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait
        key = self._names.lock(conversation_id)
        token = secrets.token_hex(16)
        async with AsyncExitStack() as held:
            try:
                await held.enter_async_context(self._local.hold(conversation_id, deadline))
            except ConversationBusy:
                raise
            except TimeoutError:  # only the wait: a turn's own errors pass through untouched
                raise ConversationBusy(await self._left(key)) from None
            try:
                admission = await self._take(key, token, hits, deadline)
            except ConversationBusy:  # a TimeoutError, so an OSError too: not Redis down
                raise
            except self._down as exc:
                logger.warning("Redis did not answer; the message was refused (%s)",
                               type(exc).__name__)
                raise SharedStateUnavailable() from exc
            try:
                yield admission
            finally:
                await self._release(conversation_id, key, token, admission.announced)

    async def _take(self, key: str, token: str, hits: Sequence[QuotaHit],
                    deadline: float) -> Admission:
        """Take the Redis lock by `deadline`, counting `hits` with it; raise ConversationBusy."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                taken, left, wait = await self._scripts.admit(key, token, self._lifetime_ms, hits)
                if taken:
                    return Admission(wait)
                if loop.time() >= deadline:
                    raise ConversationBusy(seconds(left))  # at least 1
                await asyncio.sleep(min(self._poll, max(deadline - loop.time(), 0.0)))
        except asyncio.CancelledError:  # the lock may be ours though its answer never came
            with suppress(*self._down):
                await asyncio.shield(self._scripts.release(key, token))
            raise

    async def _release(self, conversation_id: str, key: str, token: str,
                       announced: bool) -> None:
        """Free the lock and announce the turn; a turn that was answered is never failed here."""
        channel = (self._names.channel(conversation_id), MESSAGES) if announced else ()
        try:
            ours = await self._scripts.release(key, token, *channel)
        except self._down as exc:  # the lock expires on its own; pages re-read when they can
            logger.warning("Redis did not answer the end of a turn (%s)", type(exc).__name__,
                           extra={"conversation_id": conversation_id})
            return
        if not ours:
            logger.warning("A turn outlived its conversation lock: another may have run beside it",
                           extra={"conversation_id": conversation_id})

    async def _left(self, key: str) -> int:
        """Return whole seconds until the lock expires: when to try again, at the latest."""
        try:
            return seconds(await self._redis.pttl(key))  # -2 (gone) or -1 also give 1
        except self._down:
            return 1
