"""Fixtures for the assistant's tests: a runtime on the fixture knowledge and a dialog harness."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Runtime, build_runtime
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from tests.helpers.dialog import DialogHarness


@pytest.fixture
async def runtime(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge) -> AsyncIterator[Runtime]:
    """Build the assistant on a fresh database and the fixture knowledge."""
    built = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    yield built
    await built.close()


@pytest.fixture
def dialog(runtime: Runtime) -> DialogHarness:
    """Give a dialog harness for a new conversation."""
    return DialogHarness(runtime)
