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
@pytest.mark.parametrize(("article", "service", "total"), [
    ("vehicle-inspection", "vehicle_inspection", 1050),  # issue 15: was 1,050 here, 1,100 billed
    ("driving-licence-renewal", "smart_dl", 3050),  # was 3,050 here, 3,100 billed
])
async def test_the_article_quotes_the_amount_on_the_bill(
    real_runtime: Runtime, backend: BackendDouble, locale: str, article: str, service: str,
    total: int,
) -> None:
    citizen = backend.add_citizen("30000001", "254711223344", "Baraka", locale)
    _, bill = backend.add_application(citizen.id, service)
    assert bill is not None and bill.amount + bill.fee == total
    chat = DialogHarness(real_runtime)
    await start(chat, locale)
    answer = texts(await chat.say(choice=f"faq:{article}"))
    assert money(bill.amount + bill.fee, locale) in answer
    assert "{fee:" not in answer


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_the_answer_never_shows_the_editors_research_notes(
    real_runtime: Runtime, real_knowledge: LiveKnowledge, locale: str
) -> None:
    article = real_knowledge.current.articles[("driving-licence-renewal", locale)]
    notes = [line for line in article.notes.splitlines() if line.strip()]
    assert any("nyongesasande.com" in line for line in notes)  # an unofficial research link
    chat = DialogHarness(real_runtime)
    await start(chat, locale)
    answer = texts(await chat.say(choice="faq:driving-licence-renewal"))
    assert article.title in answer
    assert not any(line in answer for line in notes) and "nyongesasande" not in answer


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
