"""Taps in every form: Rasa's payload shapes, buttons typed as text, buttons of closed questions."""

from __future__ import annotations

import pytest

from tests.bot.intents.helpers import link, start
from tests.helpers.backend_double import BackendDouble
from tests.helpers.dialog import DialogHarness, choices_of, texts

STALE = ("That button belongs to an earlier question that is already closed. Would you like to "
         "start \"%(task)s\" again?")


@pytest.mark.parametrize("locale", ["en", "sw"])
@pytest.mark.parametrize("tap", ["start_payment:confirm", "link_account:agree",
                                 "report_security_incident:send"])
async def test_a_button_of_a_closed_question_says_so_in_the_citizens_language(
    chat: DialogHarness, locale: str, tap: str,
) -> None:
    await start(chat, locale)
    replies = await chat.say(choice=tap)
    shown = texts(replies)
    assert chat.expected(locale, STALE) in shown
    assert tap.split(":")[1] not in shown  # never an internal token
    assert choices_of(replies) == [tap.split(":")[0], "menu"]
    assert chat.last is not None and chat.last.flow is None


async def test_a_payload_typed_as_text_is_a_tap(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await link(chat, backend)
    replies = await chat.say("check_status:PP-2025-000123")
    assert "PP-2025-000123" in texts(replies)
    assert chat.last is not None and [e.kind for e in chat.last.events] == ["status_shown"]


@pytest.mark.parametrize("text", ['/check_status{"reference": "PP-2025-000123"}',
                                  "/check_status{\"reference\":\"PP-2025-000123\"}"])
async def test_rasa_intent_payloads_with_entities_are_taps(
    chat: DialogHarness, backend: BackendDouble, text: str,
) -> None:
    await start(chat, "en")
    await link(chat, backend)
    replies = await chat.say(text)
    assert "PP-2025-000123" in texts(replies) and "under review" in texts(replies)


async def test_a_bare_rasa_intent_payload_is_a_tap(chat: DialogHarness) -> None:
    await start(chat, "en")
    replies = await chat.say("/menu")
    assert "check_status" in choices_of(replies)


async def test_words_that_only_look_like_a_name_are_read_as_words(chat: DialogHarness) -> None:
    await start(chat, "en")
    replies = await chat.say("rating")  # a handler's name, typed as a word: not a tap
    assert texts(replies).strip()  # answered (by the matcher), never silence


# -- a tap in every form, and buttons of earlier messages ----------------------------------------

RASA_FORMS = ["{tap}", "/{tap}", '/{name}{{"step": "{argument}"}}']


@pytest.mark.parametrize("form", RASA_FORMS)
@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_a_stale_pay_button_typed_in_any_form_never_shows_an_internal_token(
    chat: DialogHarness, backend: BackendDouble, locale: str, form: str,
) -> None:
    await start(chat, locale)
    await link(chat, backend)
    tap = "start_payment:confirm"
    name, argument = tap.split(":")
    replies = await chat.say(form.format(tap=tap, name=name, argument=argument))
    shown = texts(replies)
    assert chat.expected(locale, STALE) in shown
    assert "confirm" not in shown and "**" not in shown
    assert chat.last is not None and chat.last.locale == locale


async def test_an_earlier_pay_now_button_for_a_paid_bill_says_it_is_paid(
    chat: DialogHarness, backend: BackendDouble,
) -> None:
    await start(chat, "en")
    await link(chat, backend)
    replies = await chat.say("status of GC-2025-000456")
    [pay_now] = [p for p in choices_of(replies) if p.startswith("start_payment:")]
    backend.bill_records[int(pay_now.split(":")[1])].status = "paid"  # paid meanwhile
    replies = await chat.say(choice=pay_now)
    assert "That bill is paid or no longer due" in texts(replies)
    assert pay_now.split(":")[1] not in texts(replies)


async def test_an_earlier_menu_button_is_honoured_after_other_messages(chat: DialogHarness) -> None:
    await start(chat, "en")
    menu = await chat.say("menu")
    await chat.say("How much is a passport?")  # the menu is no longer the latest message
    replies = await chat.say(choice=choices_of(menu)[4])  # "Common questions"
    assert chat.expected("en", "Common questions. Tap one or type its number, or just type "
                               "your question:") in texts(replies)


# -- menu labels typed as text --------------------------------------------------------------------

MENU_LABELS = [("Check an application", "check_status"), ("Make a payment", "start_payment"),
               ("My payments and receipts", "payment_history"),
               ("Report a security problem", "report_security_incident"),
               ("Common questions", "faq"), ("Talk to a person", "talk_to_human")]


@pytest.mark.parametrize("on_screen", [True, False])
@pytest.mark.parametrize("label_locale", ["en", "sw"])
@pytest.mark.parametrize(("msgid", "action"), MENU_LABELS)
async def test_a_menu_label_typed_as_text_is_a_tap_in_either_language(
    chat: DialogHarness, msgid: str, action: str, label_locale: str, on_screen: bool,
) -> None:
    await chat.say("Hello there")  # English, not asked for: a clear Swahili label switches
    tapped = DialogHarness(chat.runtime, channel=chat.channel)
    await start(tapped, label_locale)
    expected = texts(await tapped.say(choice=action))
    if not on_screen:
        await chat.say("How much is a passport?")  # the menu is gone from the screen
    label = chat.says(label_locale, msgid)
    replies = await chat.say(label.lower() + ("." if on_screen else ""))
    assert texts(replies) == expected
    assert chat.last is not None and chat.last.locale == label_locale


@pytest.mark.parametrize(("locale", "typed"), [("en", "Check application status"),
                                               ("sw", "Angalia hali ya ombi langu")])
async def test_a_label_in_other_words_still_reaches_the_action(
    chat: DialogHarness, locale: str, typed: str,
) -> None:
    await start(chat, locale)
    replies = await chat.say(typed)
    assert "link_account:agree" in choices_of(replies)  # checking needs the account: consent
    assert chat.last is not None and chat.last.locale == locale


async def test_an_option_title_on_screen_typed_or_copied_is_a_tap(chat: DialogHarness) -> None:
    await start(chat, "en")
    menu = await chat.say("menu")
    assert choices_of(menu)[1] == "start_payment"
    copied = DialogHarness(chat.runtime)
    await start(copied, "en")
    await copied.say("menu")
    expected = texts(await copied.say(choice="start_payment"))
    assert texts(await chat.say("2. Make a payment")) == expected  # copied from a text list


# -- numbers typed for numbered choices -----------------------------------------------------------

@pytest.mark.parametrize("typed", ["2", "2.", "#2", "namba 2", "option 2", "chaguo 2"])
async def test_a_number_typed_picks_the_numbered_option(chat: DialogHarness, typed: str) -> None:
    await start(chat, "en")
    await chat.say("menu")
    tapped = DialogHarness(chat.runtime)
    await start(tapped, "en")
    await tapped.say("menu")
    assert texts(await chat.say(typed)) == texts(await tapped.say(choice="start_payment"))


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_a_number_beyond_the_options_says_the_range_and_offers_them_again(
    chat: DialogHarness, locale: str,
) -> None:
    await start(chat, locale)
    menu = await chat.say("menu")
    replies = await chat.say("9")
    count = len(choices_of(menu))
    assert chat.says(locale, "Please choose a number from 1 to %(count)d, or tap an option.",
                     count=count) in texts(replies)
    assert choices_of(replies) == choices_of(menu)
    assert "link_account:agree" in choices_of(await chat.say("1"))  # still on screen: a tap


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_a_number_with_no_options_open_says_so(chat: DialogHarness, locale: str) -> None:
    await start(chat, locale)
    await chat.say("How much is a passport?" if locale == "en" else "Pasipoti ni bei gani?")
    replies = await chat.say("3")
    assert chat.says(locale, "There is no list of options open right now. Send \"menu\" to see "
                             "what I can help with.") in texts(replies)



# Every kind of button our replies carry, tapped long after its message, in every form.
EARLIER_BUTTONS = [
    "link_account:agree", "link_account:decline", "start_payment:confirm", "start_payment:phone",
    "start_payment:other", "start_payment:bill-999", "start_payment:999",
    "report_security_incident:send", "report_security_incident:skip",
    "report_security_incident:anonymous", "report_security_incident:named",
    "report_security_incident:change", "rating:T-999:4", "receipt:NOPE123",
    "talk_to_human:payment_failed", "fallback:none", "faq:no-such-article",
    "check_status:PP-2099-999999", "change_language:xx",
]
INTERNAL = ("confirm", "bill-", "no-such-article", "T-999", "change_language", "**", "_")


@pytest.mark.parametrize("form", ["choice", "typed", "rasa"])
@pytest.mark.parametrize("tap", EARLIER_BUTTONS)
async def test_an_earlier_button_out_of_context_gets_words_never_internal_tokens(
    chat: DialogHarness, backend: BackendDouble, tap: str, form: str,
) -> None:
    await start(chat, "sw")
    await link(chat, backend)
    name, _, argument = tap.partition(":")
    if form == "choice":
        replies = await chat.say(choice=tap)
    elif form == "typed":
        replies = await chat.say(tap)
    else:
        replies = await chat.say(f'/{name}{{"value": "{argument}"}}')
    shown = texts(replies)
    assert shown.strip(), "an earlier button is always answered"
    assert not any(token in shown for token in INTERNAL), shown
    assert chat.last is not None and chat.last.locale == "sw"
