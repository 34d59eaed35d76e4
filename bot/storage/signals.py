"""New-message announcements for open web sockets, in-process or through Redis pub/sub."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # redis is imported only where a deployment uses it: 60 ms of a start
    from redis.asyncio import Redis
    from redis.asyncio.client import PubSub

    from bot.storage.redis_names import RedisNames

logger = logging.getLogger(__name__)

_KEEPALIVE = "msaidizi:signal"  # always subscribed, so the reader always has a connection


MESSAGES = "1"  # the payload of a plain "new messages" announcement
_MAX_NOTES = 8  # a page that stopped reading keeps only the latest passing states


class _LocalSubscription:
    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.notes: list[str] = []
        self.news = False  # new messages were announced since the last take_news()

    def take_news(self) -> bool:
        """Return whether new messages were announced since the last call."""
        news, self.news = self.news, False
        return news

    def take_notes(self) -> list[str]:
        """Return the passing states announced since the last call, oldest first."""
        notes, self.notes = self.notes, []
        return notes

    async def wait(self, timeout: float | None) -> bool:
        """Wait for an announcement (for ever with None); return False on timeout."""
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            return False
        self.event.clear()
        return True


class LocalSignal:
    """Announcements within one process (other processes' messages are found by re-reading)."""

    recheck_seconds: float | None = 15.0

    def __init__(self) -> None:
        self._subscribers: defaultdict[str, set[_LocalSubscription]] = defaultdict(set)

    async def publish(self, conversation_id: str, note: str | None = None) -> None:
        """Wake every subscriber of the conversation."""
        self.wake(conversation_id, note)

    def wake(self, conversation_id: str, note: str | None = None) -> None:
        """Wake every subscriber of the conversation (no await: callable from a reader)."""
        for subscription in list(self._subscribers.get(conversation_id, ())):
            if note:
                notes = [*subscription.notes, note]
                if len(notes) > _MAX_NOTES:  # a dropped note may have carried messages
                    subscription.news = True
                subscription.notes = notes[-_MAX_NOTES:]
            else:
                subscription.news = True
            subscription.event.set()

    def wake_everyone(self) -> None:
        """Wake every subscriber, so each re-reads what it may have missed."""
        for subscriptions in list(self._subscribers.values()):
            for subscription in list(subscriptions):
                subscription.news = True
                subscription.event.set()

    def listeners(self, conversation_id: str) -> int:
        """Return how many subscribers the conversation has in this process."""
        return len(self._subscribers.get(conversation_id, ()))

    @asynccontextmanager
    async def subscribe(self, conversation_id: str) -> AsyncIterator[_LocalSubscription]:
        """Listen for announcements about one conversation."""
        subscription = _LocalSubscription()
        self._subscribers[conversation_id].add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers[conversation_id].discard(subscription)
            if not self._subscribers[conversation_id]:
                del self._subscribers[conversation_id]


class RedisSignal:
    """Announcements across workers: one pub/sub connection per process fans out locally.

    Open pages subscribe in this process only; the process subscribes to a conversation's
    Redis channel while at least one of its pages listens. A page therefore costs no Redis
    connection of its own (the client's pool was exhausted at about 100 open pages), and a
    lost connection wakes every page once so each re-reads what it may have missed.
    """

    recheck_seconds: float | None = None  # every announcement reaches every process

    def __init__(self, redis: Redis, names: RedisNames, *, retry_seconds: float = 1.0) -> None:
        self._redis = redis
        self._names = names
        self._following: dict[str, str] = {}  # channel -> conversation (names are hashes)
        self._local = LocalSignal()
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changes = asyncio.Lock()  # Redis (un)subscriptions, one at a time
        self._retry_seconds = retry_seconds

    async def publish(self, conversation_id: str, note: str | None = None) -> None:
        """Publish to every worker listening on the conversation."""
        await self._redis.publish(self._names.channel(conversation_id), note or MESSAGES)

    @asynccontextmanager
    async def subscribe(self, conversation_id: str) -> AsyncIterator[_LocalSubscription]:
        """Listen for announcements about one conversation."""
        async with self._local.subscribe(conversation_id) as subscription:
            await self._follow(conversation_id)
            try:
                yield subscription
            finally:
                await self._unfollow(conversation_id)

    async def aclose(self) -> None:
        """Stop the reader and close the shared connection."""
        if self._reader is not None:
            self._reader.cancel()
            with suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]
        self._reader = self._pubsub = None

    async def _follow(self, conversation_id: str) -> None:
        """Subscribe the process to the conversation when its first page listens."""
        async with self._changes:
            if self._pubsub is None:
                self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                await self._pubsub.subscribe(_KEEPALIVE)  # the connection exists from now on
                self._reader = asyncio.create_task(self._read(self._pubsub))
            if self._local.listeners(conversation_id) == 1:
                channel = self._names.channel(conversation_id)
                self._following[channel] = conversation_id
                await self._pubsub.subscribe(channel)

    async def _unfollow(self, conversation_id: str) -> None:
        """Unsubscribe when the conversation's last page in this process leaves."""
        async with self._changes:
            if self._pubsub is not None and self._local.listeners(conversation_id) == 1:
                from redis.exceptions import RedisError

                channel = self._names.channel(conversation_id)
                self._following.pop(channel, None)
                with suppress(RedisError, OSError):  # a dead connection forgets it anyway
                    await self._pubsub.unsubscribe(channel)

    async def _read(self, pubsub: PubSub) -> None:
        """Hand each announcement to this process's listeners; survive lost connections."""
        from redis.exceptions import RedisError

        while True:
            try:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            except (RedisError, OSError):
                logger.warning("Redis pub/sub connection lost; listeners re-read and resubscribe")
                self._local.wake_everyone()
                await asyncio.sleep(self._retry_seconds)
                continue  # redis-py reconnects and renews every subscription on the next read
            if message is None:
                continue
            channel = message["channel"]
            name = channel.decode() if isinstance(channel, bytes) else str(channel)
            conversation_id = self._following.get(name)
            if conversation_id is not None:
                data = message["data"]
                # another publisher's bytes must not kill the reader (and every page's pushes)
                note = data.decode(errors="replace") if isinstance(data, bytes) else str(data)
                self._local.wake(conversation_id, None if note == MESSAGES else note)
