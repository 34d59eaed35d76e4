"""action_check_status and action_start_payment after linking, and linking first when needed."""

from __future__ import annotations

from bot.core.backend import Payment
from bot.core.signin import current_auth
from tests.bot.actions.rasa import RasaConversation
from tests.bot.actions.steps import in_english, link
from tests.helpers.backend_double import BackendDouble
from tests.helpers.live_backend import WANJIRU_ID


async def test_status_of_a_reference_after_linking(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await link(rasa, backend)
    parse = rasa.user("status of PP-2025-000123")
    assert parse["intent"]["name"] == "check_status"
    assert rasa.slots["application_reference"] == "PP-2025-000123"  # from_entity mapping
    answer = await rasa.run("action_check_status")
    assert "PP-2025-000123" in answer.texts and "under review" in answer.texts
    assert answer.slot("application_status") == "under_review"
    assert answer.slot("application_reference") is None  # consumed, never stale
    assert answer.slot("linked") is True


async def test_an_unknown_reference_is_not_found(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await link(rasa, backend)
    rasa.user("status of PP-2025-999999")
    answer = await rasa.run("action_check_status")
    assert "I could not find an application PP-2025-999999 on your account" in answer.texts
    assert "application_status" not in {e.get("name") for e in answer.events}


async def test_status_before_linking_links_first_and_answers_after_it(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    rasa.user("where is PP-2025-000123")
    asked = await rasa.run("action_check_status")
    assert asked.buttons == ["link_account:agree", "link_account:decline"]
    assert asked.slot("linked") is False and asked.slot("flow") == "link_account"
    for said in ("yes", WANJIRU_ID):
        await rasa.say(said)
    answer = await rasa.say(backend.latest_code())
    assert "Thank you, Wanjiru." in answer.texts
    assert "PP-2025-000123" in answer.texts and "under review" in answer.texts  # carried on
    assert answer.slot("application_status") == "under_review"


async def test_pay_a_bill_with_the_summary_buttons_and_the_mpesa_prompt(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await link(rasa, backend)
    rasa.user("I want to pay")
    summary = await rasa.run("action_start_payment")
    assert "GC-2025-000456" in summary.texts and "KES 1,050" in summary.texts
    assert summary.buttons[:3] == ["start_payment:confirm", "start_payment:phone",
                                   "start_payment:other"]
    parse = rasa.user("start_payment:confirm")  # the tapped button, sent back as text
    assert parse["intent"]["name"] == "start_payment"
    answer = await rasa.run("action_start_payment")
    assert "Check your phone: enter your M-Pesa PIN to pay KES 1,050" in answer.texts
    paid = await settled(rasa)
    assert paid.status == "succeeded" and paid.receipt_no


async def test_the_payment_result_is_shown_with_the_next_answer(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await link(rasa, backend)
    assert rasa.runtime.events is not None
    await rasa.runtime.events.poll_once()  # the notification consumer starts from "now"
    rasa.user("I want to pay")
    await rasa.run("action_start_payment")
    rasa.user("start_payment:confirm")
    await rasa.run("action_start_payment")
    await settled(rasa)
    await rasa.runtime.events.poll_once()  # the backend's event becomes a push to rasa:<sender>
    rasa.user("thanks")
    answer = await rasa.run("action_msaidizi")
    pushed = answer.responses[0]["text"]
    assert "Payment received: KES 1,050 for GC-2025-000456. Receipt number:" in pushed
    assert len(answer.responses) > 1  # then the answer to "thanks"
    rasa.user("thanks again")
    again = await rasa.run("action_msaidizi")
    assert "Payment received" not in again.texts  # shown once


async def settled(rasa: RasaConversation) -> Payment:
    """Return the newest payment, settled: the double's M-Pesa answers at once by default."""
    session = await rasa.runtime.store.load_by_id(f"rasa:{rasa.sender}")
    assert session is not None
    auth = current_auth(session)
    assert auth is not None
    payments = list(await rasa.runtime.backend.payments(auth))
    assert payments and payments[0].status != "pending", payments
    return payments[0]


async def test_typed_words_that_need_sign_in_start_linking_from_any_action(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    rasa.user("show my applications")
    answer = await rasa.run("action_msaidizi")  # e.g. Rasa's fallback; the core routes it
    assert "Do you agree?" in answer.texts and answer.slot("flow") == "link_account"
    assert answer.followup is None  # no Rasa form: Msaidizi asks the questions
