"""Taps in every form: Rasa's payload shapes, buttons typed as text, buttons of closed questions."""

from __future__ import annotations

import pytest

from tests.bot.intents.helpers import link, start
from tests.helpers.backend_double import BackendDouble
from tests.helpers.dialog import DialogHarness, choices_of, texts

STALE = ("That button belongs to an earlier question that is already closed. Would you like to "
         "start \"%(task)s\" again?")


@pytest.mark.parametrize("locale", ["en", "sw"])
@pytest.mark.parametrize("tap", ["start_payment:confirm", "link_account:agree",
                                 "report_security_incident:send"])
async def test_a_button_of_a_closed_question_says_so_in_the_citizens_language(
    chat: DialogHarness, locale: str, tap: str,
) -> None:
    await start(chat, locale)
    replies = await chat.say(choice=tap)
    shown = texts(replies)
    assert chat.expected(locale, STALE) in shown
    assert tap.split(":")[1] not in shown  # never an internal token
    assert choices_of(replies) == [tap.split(":")[0], "menu"]
    assert chat.last is not None and chat.last.flow is None


async def test_a_payload_typed_as_text_is_a_tap(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await link(chat, backend)
    replies = await chat.say("check_status:PP-2025-000123")
    assert "PP-2025-000123" in texts(replies)
    assert chat.last is not None and [e.kind for e in chat.last.events] == ["status_shown"]


@pytest.mark.parametrize("text", ['/check_status{"reference": "PP-2025-000123"}',
                                  "/check_status{\"reference\":\"PP-2025-000123\"}"])
async def test_rasa_intent_payloads_with_entities_are_taps(
    chat: DialogHarness, backend: BackendDouble, text: str,
) -> None:
    await start(chat, "en")
    await link(chat, backend)
    replies = await chat.say(text)
    assert "PP-2025-000123" in texts(replies) and "under review" in texts(replies)


async def test_a_bare_rasa_intent_payload_is_a_tap(chat: DialogHarness) -> None:
    await start(chat, "en")
    replies = await chat.say("/menu")
    assert "check_status" in choices_of(replies)


async def test_words_that_only_look_like_a_name_are_read_as_words(chat: DialogHarness) -> None:
    await start(chat, "en")
    replies = await chat.say("rating")  # a handler's name, typed as a word: not a tap
    assert texts(replies).strip()  # answered (by the matcher), never silence
