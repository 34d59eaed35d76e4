"""Fixtures shared by the webhook tests of Telegram and WhatsApp: stand-ins, settings, app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from tests.helpers import channel_drivers
from tests.helpers.channel_drivers import ChannelApp, channel_app, channel_settings
from tests.helpers.standins import GraphStandIn, TelegramStandIn

telegram_api = channel_drivers.telegram_api
graph_api = channel_drivers.graph_api


@pytest.fixture
def settings(bot_settings: BotSettings, telegram_api: TelegramStandIn,
             graph_api: GraphStandIn) -> BotSettings:
    """Settings pointing both channels at their stand-ins, each emptied of earlier calls."""
    telegram_api.reset()
    graph_api.reset()
    return channel_settings(bot_settings, telegram_api.url, graph_api.url,
                            telegram=telegram_api, graph=graph_api)


@pytest.fixture
async def app(settings: BotSettings, fixture_knowledge: LiveKnowledge) -> AsyncIterator[ChannelApp]:
    """The app in webhook mode, not started: no background sweeps, so timing is explicit."""
    async with channel_app(settings, fixture_knowledge, lifespan=False) as running:
        yield running
