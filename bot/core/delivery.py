"""Send outbound messages through channels that push (Telegram, WhatsApp), in order, with retries.

Every outbound message is stored before it is sent (the turn's transaction or a push), so a
crash between storing and sending only delays it: the sweep finds it and sends it later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.core.messages import Reply, reply_from_dict
from bot.core.ports import ConversationLocks, ConversationStore, PendingDelivery
from bot.core.session import Session
from common.timezone import utcnow

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """Sending failed but may succeed later (network, rate limit)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Sending can never succeed (blocked bot, unknown chat, message refused)."""


class ChannelSender(Protocol):
    """Sends replies to one channel's user through the channel's API."""

    channel: str

    async def send(self, session: Session, reply: Reply) -> None:
        """Send one reply; raise DeliveryError to retry or PermanentDeliveryError to give up."""
        ...


@runtime_checkable
class TypingSender(Protocol):
    """A channel that can show "typing" in the user's app (Telegram's chat action)."""

    async def show_typing(self, session: Session) -> None:
        """Show the typing state for a few seconds; failing quietly is fine."""
        ...


class Deliverer:
    """Sends pending messages per conversation, in sequence order, retrying with backoff."""

    def __init__(
        self,
        store: ConversationStore,
        senders: Mapping[str, ChannelSender],
        locks: ConversationLocks,
        *,
        max_attempts: int = 8,
        base_delay: float = 2.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self._clock = clock  # tests pass one they can advance instead of sleeping
        self._senders = dict(senders)
        self._locks = locks
        self._max_attempts = max_attempts
        self._base_delay = base_delay

    @property
    def channels(self) -> Sequence[str]:
        """Return the channels this deliverer can send to."""
        return list(self._senders)

    async def deliver(self, conversation_id: str) -> None:
        """Send the conversation's pending messages now, stopping at the first failure."""
        channel = conversation_id.split(":", 1)[0]
        sender = self._senders.get(channel)
        if sender is None:
            return
        async with self._locks.hold(f"deliver:{conversation_id}"):
            session = await self._store.load_by_id(conversation_id)
            if session is None:
                return
            for pending in await self._store.pending_deliveries(conversation_id):
                if pending.next_attempt_at and pending.next_attempt_at > self._clock():
                    break  # honour the back-off (and retry_after); later messages wait in order
                if not await self._send_one(sender, session, pending):
                    break  # keep order: later messages wait for this one

    async def _send_one(
        self, sender: ChannelSender, session: Session, pending: PendingDelivery
    ) -> bool:
        attempts = pending.attempts + 1
        try:
            await sender.send(session, reply_from_dict(pending.body))
        except PermanentDeliveryError as exc:
            logger.warning("Delivery refused for good: %s", exc,
                           extra={"conversation_id": session.conversation_id})
            await self._store.mark_delivery(pending.id, status="failed", attempts=attempts,
                                            error=str(exc))
            return True  # nothing more can be done for this one; go on with the next
        except DeliveryError as exc:
            if attempts >= self._max_attempts:
                logger.error("Delivery abandoned after %d attempts: %s", attempts, exc,
                             extra={"conversation_id": session.conversation_id})
                await self._store.mark_delivery(pending.id, status="failed", attempts=attempts,
                                                error=str(exc))
                return True
            delay = (
                exc.retry_after
                if exc.retry_after is not None
                else self._base_delay * 2 ** (attempts - 1)
            )
            await self._store.mark_delivery(
                pending.id, status="pending", attempts=attempts,
                next_attempt_at=self._clock() + timedelta(seconds=delay), error=str(exc),
            )
            return False
        await self._store.mark_delivery(pending.id, status="sent", attempts=attempts)
        return True

    async def sweep(self) -> int:
        """Deliver every conversation with messages due; return how many were tried."""
        due = await self._store.due_conversations(self._clock())
        for conversation_id in due:
            try:
                await self.deliver(conversation_id)
            except Exception:
                logger.exception(
                    "Delivery sweep failed", extra={"conversation_id": conversation_id}
                )
        return len(due)

    async def run(self, stop: asyncio.Event, interval: float = 3.0) -> None:
        """Sweep until `stop` is set."""
        while not stop.is_set():
            await self.sweep()
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except TimeoutError:
                continue
