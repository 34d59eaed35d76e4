"""Delivery of outbound messages on pushing channels: order, retries, recovery after a crash."""

from __future__ import annotations

from datetime import timedelta

from bot.app import build_runtime
from bot.config import BotSettings
from bot.core.delivery import DeliveryError, PermanentDeliveryError
from bot.core.messages import InboundMessage, Reply, TextReply
from bot.core.session import Session
from bot.knowledge.live import LiveKnowledge
from common.timezone import utcnow


class RecordingSender:
    channel = "fake"

    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.sent: list[tuple[str, str]] = []
        self.failures = failures or []

    async def send(self, session: Session, reply: Reply) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((session.sender_id, reply.text))


async def test_turn_replies_are_sent_in_order(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge) -> None:
    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    sender = RecordingSender()
    runtime.add_sender(sender)
    replies = (await runtime.handle(InboundMessage("fake", "42", "how much is a passport"))).replies
    await runtime.push("fake:42", [TextReply("later 1"), TextReply("later 2")])
    assert sender.sent == [("42", r.text) for r in replies] + [("42", "later 1"), ("42", "later 2")]
    assert await runtime.store.pending_deliveries("fake:42") == []
    await runtime.close()


async def test_failed_send_is_retried_in_order_by_the_sweep(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge) -> None:
    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    sender = RecordingSender([DeliveryError("network down", retry_after=0.0)])
    runtime.add_sender(sender)
    await runtime.push("fake:7", [TextReply("first"), TextReply("second")])
    assert sender.sent == []  # the first failed; the second waits behind it
    pending = await runtime.store.pending_deliveries("fake:7")
    assert [p.attempts for p in pending] == [1, 0]
    assert await runtime.deliverer.sweep() == 1
    assert sender.sent == [("7", "first"), ("7", "second")]
    await runtime.close()


async def test_permanent_failure_is_not_retried(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge) -> None:
    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    sender = RecordingSender([PermanentDeliveryError("bot was blocked by the user")])
    runtime.add_sender(sender)
    await runtime.push("fake:9", [TextReply("gone"), TextReply("next")])
    assert sender.sent == [("9", "next")]
    assert await runtime.deliverer.sweep() == 0
    await runtime.close()


async def test_pending_messages_survive_a_restart(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge) -> None:
    crashed = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    broken = RecordingSender([DeliveryError("down", retry_after=0.0)] * 3)
    crashed.add_sender(broken)
    await crashed.push("fake:5", [TextReply("your payment was received")])
    await crashed.close()
    restarted = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    healthy = RecordingSender()
    restarted.add_sender(healthy)
    assert await restarted.store.due_conversations(utcnow() + timedelta(seconds=5)) == ["fake:5"]
    await restarted.deliverer.sweep()
    assert healthy.sent == [("5", "your payment was received")]
    await restarted.close()
