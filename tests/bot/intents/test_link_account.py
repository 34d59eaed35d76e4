"""Linking an account: consent, ID or phone, code; wrong, expired and locked codes; log out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import Runtime
from tests.bot.intents.helpers import LINKED, link, start
from tests.helpers.backend_double import BackendDouble
from tests.helpers.dialog import DialogHarness, choices_of, texts
from tests.helpers.live_backend import WANJIRU_ID, WANJIRU_PHONE

CONSENT = "Do you agree?"
ASK_ID = "Please type your ID number or the phone number registered on eCitizen."
CODE_SENT = ("If %(masked)s matches an eCitizen account, a 6-digit code has been sent by SMS to "
             "the phone number on that account. Type the code here; it expires in 5 minutes.")
BAD_CODE = ("That code did not work: it is wrong or has expired. Check the SMS and type it "
            "again, or write \"resend\" for a new code.")
DECLINED = ("All right, I will not link your account. You can still ask me general questions.")


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_link_account_with_consent_id_and_code(chat: DialogHarness, backend: BackendDouble, locale: str) -> None:
    await start(chat, locale)
    replies = await chat.say(choice="link_account")
    assert "link_account:agree" in choices_of(replies)
    law = {"en": "Data Protection Act", "sw": "Sheria ya Ulinzi wa Data"}
    assert law[locale] in texts(replies) and law[{"en": "sw", "sw": "en"}[locale]] not in texts(replies)
    await chat.run(locale, [("yes", ASK_ID), ("12345678", CODE_SENT)])
    assert "12345678" not in texts(chat.transcript[-1][1])  # the ID is never echoed in full
    replies = await chat.say(backend.latest_code())
    # the language chosen in the chat wins; otherwise Wanjiru's own preference (Swahili) does
    assert chat.expected(locale, LINKED).split(",")[0] in texts(replies)
    session = await chat.runtime.store.load_by_id(f"test:{chat.sender}")
    assert session.data["auth"]["first_name"] == "Wanjiru"
    assert session.data["consent"]["version"]


async def test_link_by_phone_number_works_too(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await chat.say(choice="link_account")
    await chat.say(choice="link_account:agree")
    await chat.say("0712 345 678")
    replies = await chat.say(backend.latest_code(WANJIRU_PHONE))
    assert "Wanjiru" in texts(replies)


async def test_declined_consent_links_nothing(chat: DialogHarness) -> None:
    await chat.say("Hello there")  # English, but not chosen explicitly
    await chat.say(choice="link_account")
    await chat.run("en", [("no", DECLINED)])
    session = await chat.runtime.store.load_by_id(f"test:{chat.sender}")
    assert "consent" not in session.data and session.flow is None


async def test_wrong_code_is_refused_and_three_failures_offer_a_person(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await chat.say(choice="link_account")
    await chat.say(choice="link_account:agree")
    await chat.say("12345678")
    real = backend.latest_code()
    wrong = "000000" if real != "000000" else "111111"
    await chat.run("en", [(wrong, BAD_CODE), ("12ab", "The code has 6 digits, like 123456.")])
    replies = await chat.say(wrong)
    assert "talk_to_human" in choices_of(replies)
    session = await chat.runtime.store.load_by_id(f"test:{chat.sender}")
    assert session.flow is None and "auth" not in session.data


async def test_expired_code_is_refused_and_resend_gives_a_new_one(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await chat.say(choice="link_account")
    await chat.say(choice="link_account:agree")
    await chat.say("12345678")
    old = backend.latest_code()
    backend.clock.advance(timedelta(minutes=6))
    await chat.run("en", [(old, BAD_CODE), ("resend", CODE_SENT)])
    fresh = backend.latest_code()
    replies = await chat.say(fresh)
    assert "Wanjiru" in texts(replies)


async def test_unknown_id_gets_the_same_answer_and_no_code(chat: DialogHarness) -> None:
    await start(chat, "en")
    await chat.say(choice="link_account")
    await chat.say(choice="link_account:agree")
    await chat.run("en", [("99999999", CODE_SENT), ("123456", BAD_CODE)])


async def test_invalid_identifier_is_explained(chat: DialogHarness) -> None:
    await start(chat, "en")
    await chat.say(choice="link_account")
    await chat.say(choice="link_account:agree")
    replies = await chat.say("my name is Wanjiru")
    assert "does not look like an ID number" in texts(replies)


@pytest.mark.parametrize(("locale", "words"), [("en", "log out"), ("sw", "ondoa akaunti")])
async def test_log_out_unlinks(chat: DialogHarness, backend: BackendDouble, action_runtime: Runtime, locale: str, words: str) -> None:
    await start(chat, locale)
    await link(chat, backend)
    replies = await chat.say(words)
    session = await action_runtime.store.load_by_id(f"test:{chat.sender}")
    assert session is not None and "auth" not in session.data
    assert replies[0].text == action_runtime.translations.for_locale(locale).gettext(
        "Session ended: your eCitizen account is no longer linked to this chat and its "
        "messages are erased. Write to start again.")
    left = await action_runtime.store.messages_after(f"test:{chat.sender}", 0)
    assert [m.direction for m in left] == ["out"]  # the code and ID typed before are gone


async def test_linking_takes_the_profile_language_while_the_chat_has_none(
    chat: DialogHarness, backend: BackendDouble
) -> None:
    await chat.say("PP-2025-000123", locale_hint="en-US")  # says nothing about its language
    replies = await link(chat, backend)
    assert texts(replies).startswith("Asante, Wanjiru.")


async def test_linking_keeps_the_language_the_citizen_writes(
    chat: DialogHarness, backend: BackendDouble
) -> None:
    await chat.say("Hello there")  # English, not chosen explicitly
    replies = await link(chat, backend)
    assert texts(replies).startswith("Thank you, Wanjiru.")


async def test_codes_asked_for_too_often_from_one_chat_are_refused_in_words(
    chat: DialogHarness, backend: BackendDouble
) -> None:
    await start(chat, "en")
    await chat.say(choice="link_account")
    await chat.say(choice="link_account:agree")
    await chat.say(WANJIRU_ID)  # the first code of the hour
    shown = [texts(await chat.say("resend")) for _ in range(6)]
    assert "Too many codes were asked for from here" not in "".join(shown[:5])
    assert "Too many codes were asked for from here. Please wait" in shown[5]


async def test_mistyped_ids_do_not_count_against_the_code(chat: DialogHarness, backend: BackendDouble) -> None:
    # Each question gets its own three tries: after two mistyped ID numbers, a first wrong
    # code is asked again rather than ending the linking and offering a person.
    await start(chat, "en")
    await chat.say(choice="link_account")
    for said in ("yes", "1234", "12 34", WANJIRU_ID):
        await chat.say(said)
    real = backend.latest_code()
    replies = await chat.say("000000" if real != "000000" else "111111")
    assert chat.expected("en", BAD_CODE) in texts(replies)
    assert "talk_to_human" not in choices_of(replies)
    assert chat.last is not None and chat.last.flow == "link_account"
    replies = await chat.say(real)
    assert chat.expected("en", LINKED).split(",")[0] in texts(replies)


async def test_the_id_typed_to_link_is_never_kept_even_written_with_spaces(
        chat: DialogHarness, backend: BackendDouble) -> None:
    # "1234 5678" is read as an ID but is not an ID's shape for the masking of chat records,
    # so the answer to "type your ID number" is kept as a secret, like the one-time code
    spaced = f"{WANJIRU_ID[:4]} {WANJIRU_ID[4:]}"
    await start(chat, "en")
    await chat.say(choice="link_account")
    await chat.run("en", [("yes", ASK_ID), (spaced, CODE_SENT)])
    await chat.say(backend.latest_code())
    lines = await chat.runtime.store.recent_lines(f"test:{chat.sender}")  # a ticket's transcript
    kept = [line["text"] for line in lines if line["role"] == "citizen"]
    assert kept and not any(WANJIRU_ID in text.replace(" ", "") for text in kept)
