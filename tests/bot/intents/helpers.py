"""Shared steps for action dialogs: start a conversation in a language and link Wanjiru."""

from __future__ import annotations

from typing import Protocol

from bot.core.messages import Reply
from tests.helpers.dialog import DialogHarness
from tests.helpers.live_backend import WANJIRU_ID, WANJIRU_PHONE

HELLO = {"en": "Hello there", "sw": "Habari yako"}
LINKED = "Thank you, %(name)s. Your eCitizen account is now linked to this chat."


class CodeSource(Protocol):
    """Where a test reads the one-time code sent by SMS (the double, or the live backend)."""

    def latest_code(self, to: str = WANJIRU_PHONE) -> str:
        """Return the newest code sent to `to`."""
        ...


async def start(chat: DialogHarness, locale: str) -> None:
    """Greet in `locale` so the conversation language is settled."""
    await chat.say(HELLO[locale])
    if locale == "en":
        await chat.say("English please")


async def link(chat: DialogHarness, backend: CodeSource, then: str = "link_account") -> list[Reply]:
    """Link Wanjiru's account (consent, ID, code); return the replies to the code."""
    await chat.say(choice=then)
    await chat.say(choice="link_account:agree")
    await chat.say(WANJIRU_ID)
    return await chat.say(backend.latest_code())
