"""New-message announcements for open web sockets, in-process or through Redis pub/sub."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

_CHANNEL = "msaidizi:conversation:"


class _LocalSubscription:
    def __init__(self) -> None:
        self.event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Wait for an announcement; return False on timeout."""
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            return False
        self.event.clear()
        return True


class LocalSignal:
    """Announcements within one process."""

    def __init__(self) -> None:
        self._subscribers: defaultdict[str, set[_LocalSubscription]] = defaultdict(set)

    async def publish(self, conversation_id: str) -> None:
        """Wake every subscriber of the conversation."""
        for subscription in list(self._subscribers.get(conversation_id, ())):
            subscription.event.set()

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


class _RedisSubscription:
    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub

    async def wait(self, timeout: float) -> bool:
        """Wait for a published message; return False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (left := deadline - loop.time()) > 0:
            # The subscription's own confirmation also arrives here and reads as None.
            message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            if message is not None:
                return True
        return False


class RedisSignal:
    """Announcements across workers through Redis pub/sub."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def publish(self, conversation_id: str) -> None:
        """Publish to every worker listening on the conversation."""
        await self._redis.publish(_CHANNEL + conversation_id, "1")

    @asynccontextmanager
    async def subscribe(self, conversation_id: str) -> AsyncIterator[_RedisSubscription]:
        """Listen for announcements about one conversation."""
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(_CHANNEL + conversation_id)
        try:
            yield _RedisSubscription(pubsub)
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]  # untyped in some redis releases
