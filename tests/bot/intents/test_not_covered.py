"""Questions about what no article covers get an honest reply; the routing table decides."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Runtime
from bot.config import BotSettings
from bot.core.messages import ChoicesReply, Reply, TextReply
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


async def ask(runtime: Runtime, locale: str, question: str) -> list[Reply]:
    """Ask `question` in a new conversation settled in `locale`; return the replies."""
    chat = DialogHarness(runtime)
    await start(chat, locale)
    return await chat.say(question)


@pytest.mark.parametrize(("locale", "question", "term"), [
    ("en", "apply for a beekeeping licence", "beekeeping"),
    ("sw", "leseni ya ufugaji nyuki inapatikana aje", "nyuki"),
])
async def test_uncovered_question_is_answered_honestly_with_close_topics(
    real_runtime: Runtime, locale: str, question: str, term: str
) -> None:
    replies = await ask(real_runtime, locale, question)
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
    replies = await ask(real_runtime, "en", "someone phoned me pretending to be ecitizen and "
                                            "asked for my password")
    assert isinstance(replies[0], ChoicesReply)
    assert [c.payload for c in replies[0].choices][:2] == ["faq:phishing-messages",
                                                           "report_security_incident"]


ELSEWHERE = "%(where)s Official site: %(url)s\n\nI can help with these related topics:"


@pytest.mark.parametrize(("locale", "question", "where"), [
    ("en", "can this chat help me get my tax refund back", "Tax refunds, VAT,"),
    ("sw", "nisaidie kurudishiwa kodi ya ziada tafadhali", "Kurejeshewa kodi, VAT,"),
])
async def test_another_agency_service_names_the_agency_and_its_site_with_close_topics(
    real_runtime: Runtime, locale: str, question: str, where: str
) -> None:
    chat = DialogHarness(real_runtime)
    await start(chat, locale)
    replies = await chat.say(question)
    assert isinstance(replies[0], ChoicesReply)
    kra = next(s for s in real_runtime.knowledge.current.elsewhere if s.id == "kra-tax")
    assert replies[0].text == chat.says(locale, ELSEWHERE, where=kra.texts[locale],
                                        url="https://itax.kra.go.ke/KRA-Portal/")
    assert replies[0].text.startswith(where)
    payloads = [c.payload for c in replies[0].choices]
    assert "faq:refund" in payloads and payloads[-1] == "fallback:none"  # what we cover
    events = await real_runtime.store.match_events()
    assert events[-1].kind == "not_covered"  # the gap is still logged for editors


async def test_another_agency_service_with_nothing_close_still_says_where_to_go(
    real_runtime: Runtime,
) -> None:
    chat = DialogHarness(real_runtime)
    await start(chat, "sw")
    replies = await chat.say("KCAA")
    kcaa = next(s for s in real_runtime.knowledge.current.elsewhere if s.id == "kcaa")
    assert replies == [TextReply(chat.says("sw", "%(where)s Official site: %(url)s",
                                           where=kcaa.texts["sw"], url=kcaa.url))]
    events = await real_runtime.store.match_events()
    assert events[-1].kind == "fallback"  # no close topic: logged as a question left unanswered


@pytest.mark.parametrize(("locale", "question"), [
    ("sw", "habari za kcaa"), ("en", "hello, kcaa drone permit"), ("en", "thanks, kcaa"),
])
async def test_a_greeting_is_never_offered_as_a_topic_close_to_a_question(
    real_runtime: Runtime, locale: str, question: str
) -> None:
    replies = await ask(real_runtime, locale, question)
    kcaa = next(s for s in real_runtime.knowledge.current.elsewhere if s.id == "kcaa")
    assert replies[0].text.startswith(kcaa.texts[locale])  # where to go, in their language
    offered = [c.payload for r in replies if isinstance(r, ChoicesReply) for c in r.choices]
    assert not {"greet", "thanks", "goodbye"} & set(offered)


def _referral_texts(runtime: Runtime) -> dict[str, str]:
    """Return each other-agency service's id by the first words of its text, in both languages."""
    return {service.texts[locale]: service.id
            for service in runtime.knowledge.current.elsewhere for locale in ("en", "sw")}


# eCitizen questions that once named a term of knowledge/elsewhere.yaml ("vat", "paye",
# "medical cover", "court case", "land transfer", "number plates", "ajira serikalini",
# "leseni ya biashara" through the lexicon...) and were sent to another agency. Each is
# something an eCitizen article answers (or at least no other agency handles).
ECITIZEN_QUESTIONS = [
    ("en", "is VAT charged on passport fees"),
    ("en", "how do I file my PAYE returns on itax"),
    ("en", "do I need medical cover for the eta"),
    ("en", "can I renew nhif through ecitizen"),
    ("en", "my sha number is not accepted when paying"),
    ("en", "old age pension benefits from inua jamii"),
    ("en", "new number plate after a logbook transfer"),
    ("en", "vehicle registration number on the inspection booking"),
    ("en", "I need a death certificate for a court case"),
    ("en", "letters of administration need a death certificate"),
    ("en", "how much are the court wedding fees"),
    ("en", "do I need a good conduct certificate to apply for a government job"),
    ("en", "land search before a land transfer"),
    ("en", "trade licence for importing goods"),
    ("en", "county parking fees on ecitizen"),
    ("en", "exam registration fee for knec on ecitizen"),
    ("sw", "nimepoteza cheti cha kifo cha baba, kesi iko mahakama"),
    ("sw", "bima ya afya inahitajika kwa visa"),
    ("sw", "pensheni ya wazee ya inua jamii inatoka lini"),
    ("sw", "kusajili gari kwa jina langu baada ya kununua logbook"),
    ("sw", "leseni ya biashara ya kuagiza bidhaa kutoka nje"),
    ("sw", "kuhamisha shamba baada ya search rasmi"),
    ("sw", "ajira serikalini inahitaji cheti cha maadili mema"),
    ("sw", "kodi ya mapato ritani inawasilishwa aje"),
]


@pytest.mark.parametrize(("locale", "question"), ECITIZEN_QUESTIONS)
async def test_an_ecitizen_question_is_not_sent_to_another_agency(
    real_runtime: Runtime, locale: str, question: str
) -> None:
    replies = await ask(real_runtime, locale, question)
    referred = [service for r in replies for text, service in _referral_texts(real_runtime).items()
                if text in getattr(r, "text", "")]
    assert referred == [], f"{question!r} was sent to {referred}"


@pytest.mark.parametrize(("locale", "question", "service"), [
    ("en", "how do I get a tax refund from KRA", "kra-tax"),
    ("en", "I forgot my itax password", "kra-tax"),  # not the eCitizen password
    ("en", "HELB loan application for first years", "helb"),
    ("en", "how do I register for SHA", "sha"),
    ("en", "how long does an nssf pension claim take", "nssf"),
    ("en", "how to apply for a liquor licence", "county"),
    ("sw", "nataka kuomba mkopo wa helb", "helb"),
    ("sw", "pensheni ya nssf inachukua muda gani", "nssf"),
    ("sw", "nitapataje kadi ya sha", "sha"),
])
async def test_another_agency_question_is_still_sent_there(
    real_runtime: Runtime, locale: str, question: str, service: str
) -> None:
    replies = await ask(real_runtime, locale, question)
    where = next(s for s in real_runtime.knowledge.current.elsewhere if s.id == service)
    assert replies[0].text.startswith(where.texts[locale]) and where.url in replies[0].text
