"""link_account_form and action_link_account: consent, ID or phone, code, sign-in for every action."""

from __future__ import annotations

from bot.intents.account import current_auth
from tests.bot.actions.rasa import RasaConversation
from tests.bot.actions.steps import in_english, link
from tests.bot.intents.conftest import WANJIRU_ID, LiveBackend

CODE_SENT = "a 6-digit code has been sent by SMS"
BAD_ID = "That does not look like an ID number (6 to 9 digits) or a Kenyan phone number"
BAD_CODE = "That code did not work: it is wrong or has expired."


async def test_link_through_the_form_with_reprompts_and_the_real_code(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    await in_english(rasa)
    rasa.user("link my account")
    opened = await rasa.run("action_link_account")
    assert opened.followup == "link_account_form" and opened.responses == []

    run = await rasa.form("link_account_form")  # activation: Rasa asks for consent
    assert "Data Protection Act, 2019" in run.texts and "Do you agree?" in run.texts
    assert run.buttons == ["link_account:agree", "link_account:decline"]
    rasa.user("link_account:agree")  # the tapped button, sent back as text
    run = await rasa.form("link_account_form")
    assert run.validation.slot("consent") is True
    assert "Please type your ID number or the phone number registered on eCitizen." in run.texts

    rasa.user("my id is abc")
    run = await rasa.form("link_account_form")
    assert run.validation.slot("identifier") is None and BAD_ID in run.texts
    assert "Please type your ID number" in run.texts  # Rasa asks again, as the chat does

    rasa.user(WANJIRU_ID)
    run = await rasa.form("link_account_form")
    masked = run.validation.slot("identifier")
    assert masked != WANJIRU_ID and masked.endswith("78")  # the slot never holds the ID
    assert CODE_SENT in run.texts
    assert run.ask is not None and run.ask.responses == []  # the "code sent" message asked

    real = live_backend.latest_code()
    rasa.user("000000" if real != "000000" else "111111")
    run = await rasa.form("link_account_form")
    assert run.validation.slot("code") is None and BAD_CODE in run.texts
    assert "Please type the 6-digit code from the SMS" in run.texts

    rasa.user(real)
    run = await rasa.form("link_account_form")
    assert run.done and run.validation.slot("code") == "verified"
    assert rasa.active_loop == {}
    answer = await rasa.run("action_link_account")
    assert "Thank you, Wanjiru. Your eCitizen account is now linked to this chat." in answer.texts
    assert answer.slot("linked") is True and answer.slot("language") == "en"
    assert [answer.slot(s) for s in ("consent", "identifier", "code")] == [None, None, None]

    session = await rasa.runtime.store.load_by_id(f"rasa:{rasa.sender}")
    assert session is not None and current_auth(session) is not None
    logged = await rasa.runtime.store.messages_after(f"rasa:{rasa.sender}", 0, direction="in")
    typed = [str(m.body.get("text")) for m in logged]
    assert real not in typed and WANJIRU_ID not in typed  # neither the code nor the ID


async def test_linking_takes_the_citizens_own_language_unless_one_was_chosen(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    answer = await link(rasa, live_backend)  # never chose: Wanjiru prefers Swahili
    assert answer.slot("language") == "sw"
    assert "Asante, Wanjiru. Akaunti yako ya eCitizen sasa imeunganishwa" in answer.texts


async def test_a_linked_chat_is_told_so_and_the_form_is_not_opened(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    await in_english(rasa)
    await link(rasa, live_backend)
    rasa.user("link my account")
    answer = await rasa.run("action_link_account")
    assert answer.followup is None
    assert "is already linked to this chat" in answer.texts


async def test_consent_is_asked_once_and_declining_links_nothing(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    await in_english(rasa)
    rasa.user("link my account")
    await rasa.run("action_link_account")
    await rasa.form("link_account_form")
    rasa.user("no thanks")
    run = await rasa.form("link_account_form")
    assert run.done and run.validation.slot("consent") is False
    answer = await rasa.run("action_link_account")
    assert "I will not link your account" in answer.texts
    assert answer.slot("linked") is False


async def consent_to_linking(rasa: RasaConversation) -> None:
    """Open the linking form in English and agree, so the form asks for the ID number next."""
    await in_english(rasa)
    rasa.user("link my account")
    await rasa.run("action_link_account")
    await rasa.form("link_account_form")
    rasa.user("yes")
    await rasa.form("link_account_form")


async def test_three_wrong_identifiers_offer_a_person_and_end_the_form(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    await consent_to_linking(rasa)
    for attempt in ("abc", "12", "hello"):
        rasa.user(attempt)
        run = await rasa.form("link_account_form")
    assert run.done and "Would you like help from a person?" in run.texts
    assert run.buttons == ["talk_to_human", "menu"]
    answer = await rasa.run("action_link_account")
    assert answer.responses == [] and answer.slot("linked") is False


async def test_a_retried_validation_does_not_send_a_second_code(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    await consent_to_linking(rasa)
    rasa.user(WANJIRU_ID)
    first = await rasa.post("validate_link_account_form", _validation_events(rasa))
    again = await rasa.repost()
    assert again.body == first.body and CODE_SENT in first.texts
    outbox = await _codes_sent(live_backend)
    assert outbox == 1


def _validation_events(rasa: RasaConversation) -> list[dict[str, object]]:
    from tests.bot.actions.rasa import event

    since = rasa.events[max(i for i, e in enumerate(rasa.events) if e["event"] == "user"):]
    candidates = [e for e in since if e["event"] == "slot"]
    return [event("slot", name="requested_slot", value=rasa.slots["requested_slot"]),
            event("action", name="link_account_form", policy=None, confidence=None),
            *candidates]


async def _codes_sent(backend: LiveBackend) -> int:
    import httpx

    async with httpx.AsyncClient() as client:
        sent = (await client.get(f"{backend.url}/dev/outbox",
                                 params={"to": "254712345678"})).json()
    return len(sent)
