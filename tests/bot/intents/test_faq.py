"""FAQ answers quote the fee the backend bills, and name their official source."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Clients, Runtime, build_runtime
from bot.config import BotSettings
from bot.i18n import money
from bot.knowledge.live import LiveKnowledge
from tests.bot.intents.helpers import start
from tests.helpers.backend_double import BackendDouble, double_clients
from tests.helpers.dialog import DialogHarness, texts
from tests.helpers.live_backend import runtime_on


@pytest.fixture
async def real_runtime(bot_settings: BotSettings, real_knowledge: LiveKnowledge,
                       backend: BackendDouble) -> AsyncIterator[Runtime]:
    """The assistant on the shipped articles, talking to the backend double."""
    async with runtime_on(bot_settings, real_knowledge, double_clients(backend)) as built:
        yield built


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_the_article_quotes_the_amount_on_the_bill(
    real_runtime: Runtime, backend: BackendDouble, locale: str
) -> None:
    citizen = backend.add_citizen("30000001", "254711223344", "Baraka", locale)
    _, bill = backend.add_application(citizen.id, "vehicle_inspection")
    assert bill is not None and bill.amount + bill.fee == 1050
    chat = DialogHarness(real_runtime)
    await start(chat, locale)
    answer = texts(await chat.say(choice="faq:vehicle-inspection"))
    assert money(bill.amount + bill.fee, locale) in answer
    assert "{fee:" not in answer


async def test_the_answer_names_its_official_source(real_runtime: Runtime) -> None:
    chat = DialogHarness(real_runtime)
    await start(chat, "en")
    answer = texts(await chat.say(choice="faq:vehicle-inspection"))
    assert "Official source: https://serviceportal.ntsa.go.ke/" in answer
    assert "last reviewed" in answer


async def test_without_the_backend_the_article_points_to_the_fee_on_ecitizen(
    bot_settings: BotSettings, real_knowledge: LiveKnowledge
) -> None:
    built = build_runtime(bot_settings, migrate=False, knowledge=real_knowledge,
                          clients=Clients.offline())
    try:
        chat = DialogHarness(built)
        await start(chat, "sw")
        answer = texts(await chat.say(choice="faq:vehicle-inspection"))
    finally:
        await built.close()
    assert "ada inayoonyeshwa kwenye eCitizen" in answer and "{fee:" not in answer
