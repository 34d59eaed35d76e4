"""Shared Rasa-side steps: settle the language, link Wanjiru through link_account_form."""

from __future__ import annotations

from tests.bot.actions.rasa import Answer, RasaConversation
from tests.bot.intents.conftest import WANJIRU_ID, LiveBackend


async def in_english(rasa: RasaConversation) -> None:
    """Choose English explicitly (Wanjiru's own preference, Swahili, would win otherwise)."""
    rasa.user("English please")
    await rasa.run("action_msaidizi")


async def link(rasa: RasaConversation, backend: LiveBackend) -> Answer:
    """Link Wanjiru's account through the form; return action_link_account's answer."""
    rasa.user("link my account")
    opened = await rasa.run("action_link_account")
    assert opened.followup == "link_account_form", opened.body
    run = await rasa.form("link_account_form")
    assert "link_account:agree" in run.buttons, run.texts
    rasa.user("link_account:agree")
    run = await rasa.form("link_account_form")
    assert "ID number" in run.texts or "nambari yako ya kitambulisho" in run.texts, run.texts
    rasa.user(WANJIRU_ID)
    run = await rasa.form("link_account_form")
    rasa.user(backend.latest_code())
    run = await rasa.form("link_account_form")
    assert run.done, run.texts
    return await rasa.run("action_link_account")
