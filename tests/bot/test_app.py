"""The runtime's life cycle: every connection closed, even when one close fails."""

from __future__ import annotations

import pytest

from bot.app import build_runtime
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge


async def test_a_failing_close_does_not_keep_the_rest_open(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge, caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    closed: list[str] = []

    async def first() -> None:
        closed.append("first")

    async def broken() -> None:
        raise ConnectionError("Redis went away")

    runtime.closers[:0] = [first]  # closed last
    runtime.closers.append(broken)  # closed first
    await runtime.close()
    assert closed == ["first"]
    assert "Closing" in caplog.text and "broken" in caplog.text
