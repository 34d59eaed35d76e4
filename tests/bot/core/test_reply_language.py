"""Which language the reply is in: the message's when clear, else the conversation's, else the
profile's; an explicit switch holds. Played on every channel's conversation ids, since the core
decides the language for all of them (the adapters only pass a hint)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from bot.app import Runtime
from bot.core.messages import Reply, TextReply
from bot.core.ports import LoggedMessage
from bot.core.turn import Turn
from bot.notify.pushes import Pusher
from tests.bot.intents.helpers import link
from tests.helpers.backend_double import BackendDouble
from tests.helpers.dialog import DialogHarness, texts

CHANNELS = ["webchat", "rest", "telegram", "whatsapp"]
GREETING = ("Hello! I am Msaidizi, the eCitizen helpdesk assistant. Ask me a question in English "
            "or Kiswahili, or choose an option below.")
LINKED = "Thank you, %(name)s. Your eCitizen account is now linked to this chat."
STATUS = "Last updated: %(date)s."
PUSHED = "Nothing to do for now: I will tell you here when the status changes."


@pytest.fixture(params=CHANNELS)
def chat(action_runtime: Runtime, request: pytest.FixtureRequest) -> DialogHarness:
    """A conversation on each channel's ids, against the backend double."""
    return DialogHarness(action_runtime, channel=request.param)


def language_of(chat: DialogHarness) -> str:
    assert chat.last is not None
    return chat.last.locale


def in_language(chat: DialogHarness, locale: str, replies: list[Reply], msgid: str) -> bool:
    return chat.pattern(locale, msgid).search(texts(replies)) is not None


# -- the first message ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["habari", "mambo", "sasa", "niaje", "Niaje msee", "Habari yako"])
async def test_first_swahili_greeting_is_answered_in_swahili_despite_an_english_browser(
    chat: DialogHarness, text: str,
) -> None:
    replies = await chat.say(text, locale_hint="en-US")
    assert in_language(chat, "sw", replies, GREETING)


@pytest.mark.parametrize("text", ["naeza lipa na airtel money?", "waiting card imepotea", "menyu"])
async def test_first_swahili_or_sheng_message_is_answered_in_swahili(
    chat: DialogHarness, text: str,
) -> None:
    await chat.say(text, locale_hint="en-US")
    assert language_of(chat) == "sw"


@pytest.mark.parametrize("text", ["hello", "Hi there", "how much is a passport?"])
async def test_first_english_message_is_answered_in_english_despite_a_swahili_browser(
    chat: DialogHarness, text: str,
) -> None:
    await chat.say(text, locale_hint="sw-KE")
    assert language_of(chat) == "en"


@pytest.mark.parametrize("hint", ["en-GB", "sw-KE"])
@pytest.mark.parametrize("text", ["PP-2025-000123", "2", "passport", "ok"])
async def test_first_message_that_says_little_follows_the_browser(
    chat: DialogHarness, text: str, hint: str,
) -> None:
    await chat.say(text, locale_hint=hint)
    assert language_of(chat) == hint[:2]


# -- switching in the middle of a chat ------------------------------------------------------------

@pytest.mark.parametrize("text", ["habari", "mambo", "naeza lipa na airtel money?",
                                  "waiting card imepotea", "menyu"])
async def test_mid_chat_swahili_message_switches_an_english_chat(
    chat: DialogHarness, text: str,
) -> None:
    await chat.say("Hello there", locale_hint="en-US")
    await chat.say(text)
    assert language_of(chat) == "sw"


@pytest.mark.parametrize("neutral", ["PP-2025-000123", "status of PP-2025-000123", "2",
                                     "passport", "yes", "ok"])
@pytest.mark.parametrize(("opening", "locale"), [("Habari yako", "sw"), ("Hello there", "en")])
async def test_a_message_that_says_little_follows_the_conversation(
    chat: DialogHarness, opening: str, locale: str, neutral: str,
) -> None:
    await chat.say(opening, locale_hint="en-US" if locale == "sw" else "sw-KE")
    await chat.say(neutral)
    assert language_of(chat) == locale


async def test_the_chat_follows_each_clear_message_back_and_forth(chat: DialogHarness) -> None:
    await chat.say("Hello there")
    await chat.say("nataka kulipa kwa M-Pesa")
    assert language_of(chat) == "sw"
    await chat.say("How long does a passport take?")
    assert language_of(chat) == "en"


@pytest.mark.parametrize(("ask", "locale", "other_greeting"),
                         [("English please", "en", "habari"),
                          ("Kiswahili tafadhali", "sw", "hello")])
async def test_an_explicit_switch_holds_until_the_next_explicit_switch(
    chat: DialogHarness, ask: str, locale: str, other_greeting: str,
) -> None:
    await chat.say(ask)
    replies = await chat.say(other_greeting)
    assert language_of(chat) == locale and in_language(chat, locale, replies, GREETING)
    await chat.say("Kiswahili tafadhali" if locale == "en" else "English please")
    assert language_of(chat) != locale


# -- after linking an account (Wanjiru's eCitizen profile prefers Swahili) -----------------------

async def test_an_english_chat_stays_english_after_linking_a_swahili_profile(
    chat: DialogHarness, backend: BackendDouble,
) -> None:
    await chat.say("Hello, I need help with my application", locale_hint="en-US")
    replies = await link(chat, backend)
    assert in_language(chat, "en", replies, LINKED)
    replies = await chat.say("status of PP-2025-000123")
    assert language_of(chat) == "en" and in_language(chat, "en", replies, STATUS)


async def test_a_chat_without_a_language_takes_the_profile_language_on_linking(
    chat: DialogHarness, backend: BackendDouble,
) -> None:
    await chat.say("PP-2025-000123", locale_hint="en-US")
    replies = await link(chat, backend)
    assert in_language(chat, "sw", replies, LINKED)
    replies = await chat.say("status of PP-2025-000123")  # says little: the chat's language
    assert in_language(chat, "sw", replies, STATUS)


async def test_after_linking_the_reply_follows_the_language_the_citizen_writes(
    chat: DialogHarness, backend: BackendDouble,
) -> None:
    await chat.say("PP-2025-000123", locale_hint="en-US")
    await link(chat, backend)  # Swahili, from the profile
    replies = await chat.say("what is the status of PP-2025-000123?")
    assert in_language(chat, "en", replies, STATUS)


# -- pushes ---------------------------------------------------------------------------------------

def _status_push(turn: Turn) -> list[Reply]:
    return [TextReply(turn._(PUSHED))]


async def _push(chat: DialogHarness, silence: timedelta, preferred: str | None = None) -> str:
    runtime = chat.runtime
    pushed: list[str] = []

    async def after_push(conversation_id: str, messages: Sequence[LoggedMessage]) -> None:
        pushed.append(conversation_id)
        assert [m.body["text"] for m in messages] == [  # what the announcement carries
            m.body["text"] for m in (await runtime.store.messages_after(
                conversation_id, messages[0].seq - 1, direction="out"))]

    pusher = Pusher(runtime.store, runtime.locks, runtime.translations, after_push,
                    silence=silence)
    conversation_id = f"{chat.channel}:{chat.sender}"
    assert await pusher.push(conversation_id, f"test-push:{silence}", _status_push, preferred)
    assert pushed == [conversation_id]
    [message] = (await runtime.store.messages_after(conversation_id, 0, direction="out"))[-1:]
    return str(message.body["text"])


@pytest.mark.parametrize(("silence", "expected"), [(timedelta(days=1), "en"),
                                                    (timedelta(0), "sw")])
async def test_a_push_follows_the_chat_unless_after_a_long_silence_the_profile(
    chat: DialogHarness, backend: BackendDouble, silence: timedelta, expected: str,
) -> None:
    await chat.say("Hello, I need help with my application", locale_hint="en-US")
    await link(chat, backend)  # the chat stays English; the profile prefers Swahili
    text = await _push(chat, silence)  # a zero allowance makes any silence long
    assert text == chat.says(expected, PUSHED)
    await chat.say("2")  # a reply that says little continues in the push's language
    assert language_of(chat) == expected


async def test_a_push_after_a_long_silence_uses_the_profile_language_the_backend_gives(
    chat: DialogHarness, backend: BackendDouble,
) -> None:
    await chat.say("Habari yako")
    await link(chat, backend)
    assert await _push(chat, timedelta(0), preferred="en") == chat.says("en", PUSHED)


async def test_an_explicit_switch_holds_for_pushes_after_a_long_silence(
    chat: DialogHarness, backend: BackendDouble,
) -> None:
    await chat.say("English please")
    await link(chat, backend)
    assert await _push(chat, timedelta(0)) == chat.says("en", PUSHED)
