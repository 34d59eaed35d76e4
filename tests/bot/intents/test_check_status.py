"""Application status: one reference, the list, unknown and other citizens' references."""

from __future__ import annotations

import pytest

from tests.bot.intents.helpers import link, start
from tests.helpers.backend_double import BackendDouble
from tests.helpers.dialog import DialogHarness, choices_of, texts


@pytest.mark.parametrize(("locale", "question", "status"), [
    ("en", "status of PP-2025-000123",
     "Your 34-page ordinary passport application PP-2025-000123 is under review."),
    ("sw", "hali ya ombi langu pp 2025 000123",
     "Ombi lako la pasipoti ya kawaida ya kurasa 34 (PP-2025-000123) linashughulikiwa."),
])
async def test_status_of_a_reference_asks_to_link_then_answers(
    chat: DialogHarness, backend: BackendDouble, locale: str, question: str, status: str
) -> None:
    await start(chat, locale)
    await chat.say(question)  # consent prompt: the question waits
    await chat.say(choice="link_account:agree")
    await chat.say("12345678")
    replies = await chat.say(backend.latest_code())
    shown = texts(replies)
    assert status in shown


async def test_my_applications_lists_them_as_choices(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await link(chat, backend)
    replies = await chat.say("show my applications")
    offered = choices_of(replies)
    assert "check_status:PP-2025-000123" in offered and "check_status:GC-2025-000456" in offered
    number = offered.index("check_status:GC-2025-000456") + 1
    replies = await chat.say(str(number))
    assert "GC-2025-000456" in texts(replies)
    assert any(p.startswith("start_payment:") for p in choices_of(replies))  # next step: pay


@pytest.mark.parametrize("reference", ["PP-2025-999999", "BN-2025-000801"])
async def test_unknown_or_someone_elses_reference_is_not_found(
    chat: DialogHarness, backend: BackendDouble, reference: str
) -> None:
    await start(chat, "en")
    await link(chat, backend)
    replies = await chat.say(f"status of {reference}")
    assert f"I could not find an application {reference} on your account" in texts(replies)


async def test_backend_down_says_the_service_is_unavailable(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await link(chat, backend)
    backend.down = True
    replies = await chat.say("status of PP-2025-000123")
    assert "the eCitizen service is unavailable right now" in texts(replies)

