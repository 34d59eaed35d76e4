"""The reply language through each channel's real inbound path, with the channel's own hint.

Web chat and REST send the browser's language, Telegram the app's; WhatsApp sends none. The
hint is English everywhere it exists: Swahili words must still get Swahili replies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from tests.bot.core.test_dialogs import GREETING, MENU
from tests.helpers import channel_drivers
from tests.helpers.channel_drivers import (
    ChannelDialog,
    channel_app,
    channel_settings,
    driver_for,
)
from tests.helpers.standins import GraphStandIn, TelegramStandIn

telegram_api = channel_drivers.telegram_api
graph_api = channel_drivers.graph_api

CHANNELS = ["webchat", "rest", "telegram", "whatsapp"]


@pytest.fixture(params=CHANNELS)
async def dialog(
    request: pytest.FixtureRequest, bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
    telegram_api: TelegramStandIn, graph_api: GraphStandIn,
) -> AsyncIterator[ChannelDialog]:
    channel: str = request.param
    settings = channel_settings(bot_settings, telegram_api.url, graph_api.url,
                                telegram=telegram_api, graph=graph_api)
    async with channel_app(settings, fixture_knowledge) as app:
        yield ChannelDialog(driver_for(channel, app, telegram_api, graph_api, hint="en-US"),
                            app.runtime)


async def locale_of(dialog: ChannelDialog) -> str:
    session = await dialog.runtime.store.load_by_id(dialog.conversation_id)
    assert session is not None
    return session.locale


@pytest.mark.parametrize("greeting", ["habari", "niaje"])
async def test_a_first_swahili_greeting_is_answered_in_swahili(
    dialog: ChannelDialog, greeting: str,
) -> None:
    await dialog.run("sw", [(greeting, GREETING)])


async def test_the_reply_follows_clear_messages_and_keeps_its_language_for_the_rest(
    dialog: ChannelDialog,
) -> None:
    await dialog.run("en", [("Hello there", GREETING)])
    await dialog.run("sw", [("menyu", MENU)])
    await dialog.say("passport")  # says nothing about its language
    assert await locale_of(dialog) == "sw"
    await dialog.run("en", [("hi", GREETING)])


async def test_an_explicit_switch_holds_on_every_channel(dialog: ChannelDialog) -> None:
    await dialog.say("English please")
    await dialog.run("en", [("mambo", GREETING)])
    assert await locale_of(dialog) == "en"
