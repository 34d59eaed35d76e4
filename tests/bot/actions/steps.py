"""Shared Rasa-side steps: settle the language, link Wanjiru through Msaidizi's link flow."""

from __future__ import annotations

from tests.bot.actions.rasa import Answer, RasaConversation
from tests.bot.intents.helpers import CodeSource
from tests.helpers.live_backend import WANJIRU_ID


async def in_english(rasa: RasaConversation) -> None:
    """Choose English explicitly (Wanjiru's own preference, Swahili, would win otherwise)."""
    await rasa.say("English please")


async def link(rasa: RasaConversation, backend: CodeSource) -> Answer:
    """Link Wanjiru's account by talking as a citizen would; return the last answer."""
    asked = await rasa.say("link my account")
    assert asked.buttons == ["link_account:agree", "link_account:decline"], asked.texts
    asked = await rasa.say("link_account:agree")
    assert asked.slot("flow") == "link_account", asked.texts
    await rasa.say(WANJIRU_ID)
    answer = await rasa.say(backend.latest_code())
    assert answer.slot("linked") is True, answer.texts
    return answer
