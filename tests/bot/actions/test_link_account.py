"""action_link_account: Msaidizi's link flow (consent, ID or phone, code) through Rasa."""

from __future__ import annotations

from bot.core.signin import current_auth
from tests.bot.actions.rasa import RasaConversation
from tests.bot.actions.steps import in_english, link
from tests.helpers.backend_double import BackendDouble
from tests.helpers.live_backend import WANJIRU_ID

CODE_SENT = "a 6-digit code has been sent by SMS"
BAD_ID = "That does not look like an ID number (6 to 9 digits) or a Kenyan phone number"
BAD_CODE = "That code did not work: it is wrong or has expired."
ASK_ID = "Please type your ID number or the phone number registered on eCitizen."


async def test_link_with_reprompts_and_the_real_code_whatever_action_rasa_picks(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    opened = await rasa.say("link my account")
    assert "Data Protection Act, 2019" in opened.texts and "Do you agree?" in opened.texts
    assert opened.buttons == ["link_account:agree", "link_account:decline"]
    assert opened.slot("flow") == "link_account"

    asked = await rasa.say("link_account:agree")  # the tapped button, sent back as text
    assert ASK_ID in asked.texts

    rasa.user("my id is abc")
    wrong = await rasa.run("action_answer_faq")  # Rasa's fallback: the flow reads it first
    assert BAD_ID in wrong.texts and ASK_ID in wrong.texts
    assert wrong.slot("flow") == "link_account"

    sent = await rasa.say(WANJIRU_ID)
    assert CODE_SENT in sent.texts
    assert "******78" in sent.texts and WANJIRU_ID not in sent.texts

    real = backend.latest_code()
    bad = await rasa.say("000000" if real != "000000" else "111111")
    assert BAD_CODE in bad.texts and "Please type the 6-digit code from the SMS" in bad.texts

    linked = await rasa.say(real)
    assert "Thank you, Wanjiru. Your eCitizen account is now linked to this chat." in linked.texts
    assert linked.slot("linked") is True and linked.slot("flow") is None
    assert linked.slot("language") == "en"

    session = await rasa.runtime.store.load_by_id(f"rasa:{rasa.sender}")
    assert session is not None and current_auth(session) is not None
    logged = await rasa.runtime.store.messages_after(f"rasa:{rasa.sender}", 0, direction="in")
    typed = [str(m.body.get("text")) for m in logged]
    assert real not in typed and WANJIRU_ID not in typed  # neither the code nor the ID


async def test_linking_takes_the_citizens_own_language_unless_one_was_chosen(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    answer = await link(rasa, backend)  # never chose: Wanjiru prefers Swahili
    assert answer.slot("language") == "sw"
    assert "Asante, Wanjiru. Akaunti yako ya eCitizen sasa imeunganishwa" in answer.texts


async def test_a_linked_chat_is_told_so(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await link(rasa, backend)
    answer = await rasa.say("link my account")
    assert "is already linked to this chat" in answer.texts
    assert answer.slot("flow") is None


async def test_consent_is_asked_once_and_declining_links_nothing(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await rasa.say("link my account")
    answer = await rasa.say("no thanks")
    assert "I will not link your account" in answer.texts
    assert answer.slot("linked") is False and answer.slot("flow") is None


async def test_three_wrong_identifiers_offer_a_person_and_end_the_flow(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await rasa.say("link my account")
    await rasa.say("yes")
    for attempt in ("abc", "12", "hello"):
        answer = await rasa.say(attempt)
    assert "Would you like help from a person?" in answer.texts
    assert answer.buttons == ["talk_to_human", "menu"]
    assert answer.slot("flow") is None and answer.slot("linked") is False


async def test_a_retried_call_does_not_send_a_second_code(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await rasa.say("link my account")
    await rasa.say("yes")
    rasa.user(WANJIRU_ID)
    first = await rasa.post("action_msaidizi")
    again = await rasa.repost()
    assert again.body == first.body and CODE_SENT in first.texts
    assert len([m for m in backend.sms if m.to == "254712345678"]) == 1
