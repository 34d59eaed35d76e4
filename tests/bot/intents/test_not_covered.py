"""Questions about what no article covers get an honest reply; the routing table decides."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Runtime
from bot.config import BotSettings
from bot.core.messages import ChoicesReply
from bot.knowledge.live import LiveKnowledge
from tests.bot.intents.helpers import start
from tests.helpers.backend_double import BackendDouble, double_clients
from tests.helpers.dialog import DialogHarness
from tests.helpers.live_backend import runtime_on

HONEST = {"en": "I have no information about", "sw": "Sina taarifa kuhusu"}


@pytest.fixture
async def real_runtime(bot_settings: BotSettings, real_knowledge: LiveKnowledge,
                       backend: BackendDouble) -> AsyncIterator[Runtime]:
    async with runtime_on(bot_settings, real_knowledge, double_clients(backend)) as built:
        yield built


@pytest.mark.parametrize(("locale", "question", "term"), [
    ("en", "apply for a beekeeping licence", "beekeeping"),
    ("sw", "leseni ya ufugaji nyuki inapatikana aje", "nyuki"),
])
async def test_uncovered_question_is_answered_honestly_with_close_topics(
    real_runtime: Runtime, locale: str, question: str, term: str
) -> None:
    chat = DialogHarness(real_runtime)
    await start(chat, locale)
    replies = await chat.say(question)
    assert isinstance(replies[0], ChoicesReply)
    assert replies[0].text.startswith(HONEST[locale]) and f"\"{term}\"" in replies[0].text
    payloads = [c.payload for c in replies[0].choices]
    assert "faq:driving-licence-renewal" in payloads and payloads[-1] == "fallback:none"
    events = await real_runtime.store.match_events()
    assert events[-1].kind == "not_covered"


async def test_close_topic_offered_can_be_taken(real_runtime: Runtime) -> None:
    chat = DialogHarness(real_runtime)
    await start(chat, "en")
    await chat.say("apply for a beekeeping licence")
    replies = await chat.say("1")
    assert "smart" in replies[0].text.lower()  # the driving-licence article, as chosen
    events = await real_runtime.store.match_events()
    assert events[-1].kind == "chosen" and events[-1].chosen == "driving-licence-renewal"


async def test_scam_call_offers_advice_and_report(real_runtime: Runtime) -> None:
    chat = DialogHarness(real_runtime)
    await start(chat, "en")
    replies = await chat.say("someone phoned me pretending to be ecitizen and asked for my "
                             "password")
    assert isinstance(replies[0], ChoicesReply)
    assert [c.payload for c in replies[0].choices][:2] == ["faq:phishing-messages",
                                                           "report_security_incident"]
