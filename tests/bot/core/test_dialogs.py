"""Dialog tables for the conversation core, once per locale (expected texts are English msgids)."""

from __future__ import annotations

import pytest

from bot.core.messages import ChoicesReply, TextReply
from tests.helpers.dialog import DialogHarness, choices_of

GREETING = (
    "Hello! I am Msaidizi, the eCitizen helpdesk assistant. Ask me a question in English "
    "or Kiswahili, or choose an option below."
)
FOOTER = "(From the article \"%(title)s\", last reviewed %(date)s.)"
DID_YOU_MEAN = "I am not sure I understood. Did you mean:"
MISS = (
    "Sorry, I don't know the answer to that. Could you say it in other words? "
    "You can also write \"menu\" to see what I can do, or ask for a person."
)
OFFER_PERSON = "I still don't have an answer for that, sorry. Would you like to talk to a person?"
NOTHING_TO_CANCEL = "There is nothing to cancel. What can I help you with?"
MENU = "What can I help you with? Tap an option or type its number."
TOPICS = "Common questions. Tap one or type its number, or just type your question:"

CASES = {
    "en": {
        "hello": "Hello there",
        "faq": "how much is a passport",
        "unsure": "passport password",  # two topics at once: ask, do not guess
        "unsure_first": "password-reset",
        "nonsense": ["xyzzy plugh qwertz", "blorf snark wibble"],
    },
    "sw": {
        "hello": "Habari yako",
        "faq": "pasipoti ni pesa ngapi",
        "unsure": "password ya pasipoti",
        "unsure_first": "password-reset",
        "nonsense": ["xyzzy plugh qwertz", "blorf snark wibble"],
    },
}


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_dialog_greeting_shows_menu_in_the_citizens_language(
    dialog: DialogHarness, locale: str
) -> None:
    await dialog.run(locale, [(CASES[locale]["hello"], GREETING)])
    assert dialog.runtime is not None
    replies = dialog.transcript[-1][1]
    assert "check_status" in choices_of(replies)


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_dialog_faq_question_gets_article_in_own_language(
    dialog: DialogHarness, locale: str
) -> None:
    await dialog.say(CASES[locale]["hello"])
    replies = await dialog.say(CASES[locale]["faq"])
    article = dialog.runtime.knowledge.article("passport-fees", locale)
    assert article is not None
    text = replies[0].text
    assert text.startswith(article.body.split("\n")[0])
    assert dialog.expected(locale, FOOTER) in text
    assert article.title in text


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_dialog_unsure_match_offers_did_you_mean_and_choice_answers(
    dialog: DialogHarness, locale: str
) -> None:
    await dialog.say(CASES[locale]["hello"])
    await dialog.run(locale, [(CASES[locale]["unsure"], DID_YOU_MEAN)])
    offered = choices_of(dialog.transcript[-1][1])
    first = CASES[locale]["unsure_first"]
    assert offered[0] == f"faq:{first}"
    assert "faq:passport-fees" in offered
    assert offered[-1] == "fallback:none"
    replies = await dialog.say("1")
    assert dialog.expected(locale, FOOTER) in replies[0].text
    assert dialog.runtime.knowledge.article(first, locale).title in replies[0].text


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_dialog_two_misses_offer_a_person(dialog: DialogHarness, locale: str) -> None:
    await dialog.say(CASES[locale]["hello"])
    first, second = CASES[locale]["nonsense"]
    await dialog.run(locale, [(first, MISS), (second, OFFER_PERSON)])
    assert "talk_to_human:misses" in choices_of(dialog.transcript[-1][1])


@pytest.mark.parametrize(
    ("start", "request_other", "back"),
    [("en", "Kiswahili tafadhali", "English please"), ("sw", "/lang en", "/lang sw")],
)
async def test_dialog_language_switch_on_request_and_back(
    dialog: DialogHarness, start: str, request_other: str, back: str
) -> None:
    await dialog.say(CASES[start]["hello"])
    other = "sw" if start == "en" else "en"
    confirm = "Sure, from now on I will reply in English."
    await dialog.run(other, [(request_other, confirm)])
    assert (await dialog.runtime.store.load_by_id(f"test:{dialog.sender}")).locale == other
    await dialog.run(start, [(back, confirm)])


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_dialog_numbered_choices_work_like_taps(dialog: DialogHarness, locale: str) -> None:
    await dialog.say(CASES[locale]["hello"])
    await dialog.run(locale, [("menu", MENU), ("5", TOPICS)])
    topics = next(r for r in dialog.transcript[-1][1] if isinstance(r, ChoicesReply))
    first = topics.choices[0]
    replies = await dialog.say("1")
    article_id = first.payload.split(":", 1)[1]
    assert dialog.runtime.knowledge.article(article_id, locale).title in replies[0].text


@pytest.mark.parametrize(("locale", "word"), [("en", "cancel"), ("sw", "ghairi")])
async def test_dialog_cancel_without_flow_says_so_and_shows_menu(
    dialog: DialogHarness, locale: str, word: str
) -> None:
    await dialog.say(CASES[locale]["hello"])
    await dialog.run(locale, [(word, NOTHING_TO_CANCEL)])
    assert "start_payment" in choices_of(dialog.transcript[-1][1])


async def test_dialog_conversation_language_survives_short_english_words_in_swahili(
    dialog: DialogHarness,
) -> None:
    await dialog.say("Habari, nataka kujua kuhusu pasipoti")
    replies = await dialog.say("ok")
    session = await dialog.runtime.store.load_by_id(f"test:{dialog.sender}")
    assert session.locale == "sw"
    assert all(isinstance(r, TextReply | ChoicesReply) for r in replies)
