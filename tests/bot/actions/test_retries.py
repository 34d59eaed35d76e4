"""Rasa retries an action call it got no answer to: the same call must not run the turn twice."""

from __future__ import annotations

from bot.core.signin import current_auth
from tests.bot.actions.rasa import RasaConversation
from tests.bot.actions.steps import in_english, link
from tests.helpers.backend_double import BackendDouble


async def test_a_retried_call_gets_the_same_answer_and_logs_one_turn(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await link(rasa, backend)
    rasa.user("I want to pay")
    first = await rasa.post("action_start_payment")
    again = await rasa.repost()
    assert first.status == again.status == 200
    assert again.body == first.body and "GC-2025-000456" in first.texts
    log = await rasa.runtime.store.messages_after(f"rasa:{rasa.sender}", 0, direction="in")
    assert [m.body.get("text") for m in log].count("I want to pay") == 1


async def test_a_retried_confirmation_sends_one_mpesa_prompt(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await link(rasa, backend)
    session = await rasa.runtime.store.load_by_id(f"rasa:{rasa.sender}")
    assert session is not None
    auth = current_auth(session)
    assert auth is not None
    before = len(await backend.payments(auth))
    rasa.user("I want to pay")
    await rasa.run("action_start_payment")
    rasa.user("start_payment:confirm")
    first = await rasa.post("action_start_payment")
    again = await rasa.repost()
    assert again.body == first.body and "Check your phone" in first.texts
    assert len(await backend.payments(auth)) == before + 1


async def test_the_same_message_for_another_action_is_a_new_call(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    rasa.user("How much is a passport?")
    faq = await rasa.run("action_answer_faq")
    other = await rasa.run("action_msaidizi")  # Rasa may run two actions for one message
    assert faq.texts and other.texts
    assert rasa.calls[-1]["tracker"]["events"] != rasa.calls[-2]["tracker"]["events"]
