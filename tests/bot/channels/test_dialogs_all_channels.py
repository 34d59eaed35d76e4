"""The core's per-locale dialog tables, played through every channel's real inbound path.

Web chat over its HTTP API, Telegram by webhook and by long polling against the Bot API
stand-in, WhatsApp by signed webhook against the Graph API stand-in. What is compared is what
the citizen would see: the texts and the options the channel rendered.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from tests.bot.core.test_dialogs import (
    CASES,
    DID_YOU_MEAN,
    FOOTER,
    GREETING,
    MENU,
    MISS,
    NOTHING_TO_CANCEL,
    OFFER_PERSON,
    TOPICS,
)
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

CHANNELS = ["webchat", "telegram", "telegram-polling", "whatsapp"]
LOCALES = ["en", "sw"]


@pytest.fixture(autouse=True)
def no_channel_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A rendering fallback or a refused send logs an error: fail the test loudly."""
    caplog.set_level(logging.WARNING, logger="bot")
    yield
    problems = [
        r.getMessage() for r in caplog.get_records("call")
        if (r.name.startswith(("bot.channels", "bot.core.delivery")) and r.levelno >= logging.WARNING)
        or (r.name == "bot.app" and r.levelno >= logging.ERROR)  # "Immediate delivery failed"
    ]
    assert problems == []


@pytest.fixture(params=CHANNELS)
async def dialog(
    request: pytest.FixtureRequest, bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
    telegram_api: TelegramStandIn, graph_api: GraphStandIn,
) -> AsyncIterator[ChannelDialog]:
    channel: str = request.param
    mode = "polling" if channel == "telegram-polling" else "webhook"
    settings = channel_settings(bot_settings, telegram_api.url, graph_api.url, mode=mode,
                                telegram=telegram_api, graph=graph_api)
    async with channel_app(settings, fixture_knowledge) as app:
        yield ChannelDialog(driver_for(channel, app, telegram_api, graph_api,
                                       polling=mode == "polling"), app.runtime)


@pytest.mark.parametrize("locale", LOCALES)
async def test_greeting_shows_menu_in_the_citizens_language(
    dialog: ChannelDialog, locale: str
) -> None:
    await dialog.run(locale, [(CASES[locale]["hello"], GREETING)])
    assert "check_status" in dialog.last.payloads
    assert dialog.last.payloads[-1].startswith("change_language:")


@pytest.mark.parametrize("locale", LOCALES)
async def test_faq_question_gets_article_in_own_language(
    dialog: ChannelDialog, locale: str
) -> None:
    await dialog.say(CASES[locale]["hello"])
    shown = await dialog.say(CASES[locale]["faq"])
    article = dialog.runtime.knowledge.article("passport-fees", locale)
    assert article is not None
    dialog.check(locale, shown, FOOTER)
    assert article.title in shown.text
    assert article.body.split("\n")[0] in shown.text


@pytest.mark.parametrize("locale", LOCALES)
async def test_unsure_match_offers_did_you_mean_and_tapping_the_first_answers(
    dialog: ChannelDialog, locale: str
) -> None:
    await dialog.say(CASES[locale]["hello"])
    await dialog.run(locale, [(CASES[locale]["unsure"], DID_YOU_MEAN)])
    offered = dialog.last.payloads
    first = CASES[locale]["unsure_first"]
    assert offered[0] == f"faq:{first}"
    assert offered[-1] == "fallback:none"
    shown = await dialog.tap(0)
    dialog.check(locale, shown, FOOTER)
    article = dialog.runtime.knowledge.article(first, locale)
    assert article is not None and article.title in shown.text


@pytest.mark.parametrize("locale", LOCALES)
async def test_two_misses_offer_a_person(dialog: ChannelDialog, locale: str) -> None:
    await dialog.say(CASES[locale]["hello"])
    first, second = CASES[locale]["nonsense"]
    await dialog.run(locale, [(first, MISS), (second, OFFER_PERSON)])
    assert "talk_to_human:misses" in dialog.last.payloads


@pytest.mark.parametrize(
    ("start", "request_other", "back"),
    [("en", "Kiswahili tafadhali", "English please"), ("sw", "/lang en", "/lang sw")],
)
async def test_language_switch_on_request_and_back(
    dialog: ChannelDialog, start: str, request_other: str, back: str
) -> None:
    await dialog.say(CASES[start]["hello"])
    other = "sw" if start == "en" else "en"
    confirm = "Sure, from now on I will reply in English."
    await dialog.run(other, [(request_other, confirm)])
    session = await dialog.runtime.store.load_by_id(dialog.conversation_id)
    assert session is not None and session.locale == other
    await dialog.run(start, [(back, confirm)])


@pytest.mark.parametrize("locale", LOCALES)
async def test_numbered_choices_work_like_taps(dialog: ChannelDialog, locale: str) -> None:
    await dialog.say(CASES[locale]["hello"])
    await dialog.run(locale, [("menu", MENU), ("5", TOPICS)])
    first_title, first_payload = dialog.last.options[0]
    shown = await dialog.say("1")
    article = dialog.runtime.knowledge.article(first_payload.split(":", 1)[1], locale)
    assert article is not None and article.title in shown.text
    assert first_title.rstrip("…") in article.title


@pytest.mark.parametrize(("locale", "word"), [("en", "cancel"), ("sw", "ghairi")])
async def test_cancel_without_flow_says_so_and_shows_menu(
    dialog: ChannelDialog, locale: str, word: str
) -> None:
    await dialog.say(CASES[locale]["hello"])
    await dialog.run(locale, [(word, NOTHING_TO_CANCEL)])
    assert "start_payment" in dialog.last.payloads
