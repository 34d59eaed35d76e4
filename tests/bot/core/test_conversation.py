"""The conversation core: error boundary, de-duplication, persistence and bad input."""

from __future__ import annotations

import logging
import re

import pytest

from bot.app import Runtime, build_runtime
from bot.config import BotSettings
from bot.core.conversation import clean_text, new_reference_id
from bot.core.messages import InboundMessage, TextReply
from bot.core.routing import Match
from bot.core.turn import Turn
from bot.knowledge.live import LiveKnowledge
from tests.helpers.dialog import DialogHarness

APOLOGY = "Sorry, something went wrong on our side (ref %(ref)s). Please try again."
EMPTY = (
    "I could not read a question in that message. Please type your question, "
    "or send \"menu\" to see what I can help with."
)


class Exploding:
    """A handler that fails, to exercise the error boundary."""

    name = "explode"
    topic = True

    def handles(self, intent: str) -> bool:
        return intent == self.name

    def title(self, intent: str, turn: Turn) -> str:
        return "Explode"

    def match(self, turn: Turn) -> Match | None:
        return Match(100.0, self.name) if "explode" in turn.text else None

    async def handle(self, turn: Turn, match: Match) -> list[TextReply]:
        raise RuntimeError("boom with id 12345678")


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_conversation_handler_failure_gives_localised_apology_with_reference(
    runtime: Runtime, dialog: DialogHarness, locale: str, caplog: pytest.LogCaptureFixture
) -> None:
    runtime.router.handlers.insert(0, Exploding())  # type: ignore[attr-defined]
    await dialog.say("Habari yako" if locale == "sw" else "Hello there")
    with caplog.at_level(logging.ERROR):
        replies = await dialog.say("tafadhali explode" if locale == "sw" else "please explode")
    text = replies[0].text
    assert text.startswith(dialog.expected(locale, APOLOGY))
    ref = re.search(r"\b([A-Z2-9]{6})\b", text)
    assert ref is not None
    record = next(r for r in caplog.records if "Turn failed" in r.getMessage())
    assert ref.group(1) in record.getMessage()
    assert record.exc_info is not None


async def test_conversation_duplicate_message_id_returns_same_replies_once(
    runtime: Runtime, dialog: DialogHarness
) -> None:
    first = await dialog.say("how much is a passport", message_id="m-1")
    again = await dialog.say("how much is a passport", message_id="m-1")
    assert [r.text for r in again] == [r.text for r in first]
    log = await runtime.store.messages_after(f"test:{dialog.sender}", 0)
    assert [m.direction for m in log] == ["in", "out"]


async def test_conversation_state_survives_restart(
    bot_settings: BotSettings, fixture_knowledge: LiveKnowledge
) -> None:
    first = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    harness = DialogHarness(first)
    await harness.say("Kiswahili tafadhali")
    await harness.say("menu")
    await first.close()
    second = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    again = DialogHarness(second, sender=harness.sender)
    replies = await again.say("5")  # the menu offered before the restart is still numbered
    assert replies[0].text == second.translations.for_locale("sw").gettext(
        "Common questions. Tap one or type its number, or just type your question:"
    )
    await second.close()


@pytest.mark.parametrize(
    "text",
    ["", "   \t  ", "😀😀😀", "\x00\x07\x1b\x7f", "!!!???", "\u200b\u200b"],
    ids=["empty", "whitespace", "emoji", "control", "punctuation", "zero-width"],
)
async def test_conversation_unreadable_input_gets_polite_reply(
    dialog: DialogHarness, text: str
) -> None:
    replies = await dialog.say(text)
    assert replies[0].text == dialog.expected("en", EMPTY)


async def test_conversation_very_long_message_is_answered(dialog: DialogHarness) -> None:
    replies = await dialog.say("passport fee " + "x" * 10_000)
    assert replies and replies[0].text


async def test_conversation_html_is_kept_as_text(runtime: Runtime, dialog: DialogHarness) -> None:
    await dialog.say("<script>alert(1)</script> passport fee")
    log = await runtime.store.messages_after(f"test:{dialog.sender}", 0, direction="in")
    assert log[0].body["text"] == "<script>alert(1)</script> passport fee"


async def test_conversation_typed_payload_from_rest_client_acts_as_choice(
    dialog: DialogHarness,
) -> None:
    await dialog.say("menu")
    replies = await dialog.say("faq")
    assert replies[0].text.startswith("Common questions")


def test_clean_text_drops_control_characters_and_collapses_spaces() -> None:
    assert clean_text("a\x00b\n\n c\u200b") == "a b c"
    assert len(clean_text("y" * 5000)) == 1000


def test_new_reference_id_is_short_and_unambiguous() -> None:
    ids = {new_reference_id() for _ in range(200)}
    assert len(ids) > 190
    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", i) for i in ids)


async def test_conversation_first_language_comes_from_channel_hint_when_text_is_neutral(
    runtime: Runtime,
) -> None:
    message = InboundMessage("test", "hinted", "passport", locale_hint="sw-KE")
    await runtime.conversation.handle(message)
    session = await runtime.store.load_by_id("test:hinted")
    assert session is not None and session.locale == "sw"
