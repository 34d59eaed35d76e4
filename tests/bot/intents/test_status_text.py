"""Swahili agreement: every status of every service, ticket and payment, checked against a table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend.catalogue_data import SERVICES, ServiceData
from bot.core.messages import InboundMessage
from bot.core.ports import ParseResult
from bot.core.session import Session
from bot.core.turn import Turn
from bot.i18n import Catalogs
from bot.intents.payment_history import PAYMENT_STATUS
from bot.intents.status_text import (
    LIST_ITEMS,
    SENTENCES,
    UNKNOWN_ITEM,
    UNKNOWN_SENTENCE,
    UPDATE,
    status_item,
    status_sentence,
)
from bot.intents.ticket_status import TICKET_STATUS

REPO = Path(__file__).resolve().parents[3]
REFERENCE = "PP-2025-000123"
APPLICATION_STATUSES = ("draft", "pending_payment", "submitted", "under_review", "action_required",
                        "approved", "rejected", "ready_for_collection", "collected")

# The agreement table: each subject noun, its class, and the verb prefixes that agree with it
# (affirmative, negative). A verb is a subject prefix followed by a tense or locative marker.
NOUN_CLASS = {"ombi": 5, "hati": 9, "tiketi": 9, "malipo": 6}
CONCORD = {1: ("a", "ha"), 2: ("wa", "hawa"), 3: ("u", "hau"), 5: ("li", "hali"), 6: ("ya", "haya"),
           7: ("ki", "haki"), 9: ("i", "hai"), 10: ("zi", "hazi")}
POSSESSIVE = {5: ("lako", "la")}  # "ombi lako la <service>": your application for <service>
VERB = re.compile(r"^(?P<prefix>hawa|hau|hali|haya|haki|hai|hazi|ha|wa|li|ya|ki|zi|a|u|i)"
                  r"(?:na|me|ja|ko|ku|ta|sha)")
NOT_VERBS = {"wako", "yako", "lako", "kwako", "zako"}  # possessives shaped like verbs


def swahili_turn() -> Turn:
    session = Session("t:1", "t", "1", locale="sw")
    return Turn(InboundMessage("t", "1", ""), session, Catalogs(REPO / "locales"), "",
                ParseResult("", "sw", ()))


def disagreements(sentence: str, subject: int | None = None) -> list[str]:
    """Return each verb whose prefix does not agree with the nearest subject before it."""
    wrong = []
    for word in re.findall(r"[a-z]+", sentence.lower()):
        if word in NOUN_CLASS:
            subject = NOUN_CLASS[word]
            continue
        verb = VERB.match(word)
        if verb is None or word in NOT_VERBS:
            continue
        if subject is None or verb["prefix"] not in CONCORD[subject]:
            wrong.append(f"{word} (subject class {subject})")
    return wrong


def without(text: str, *parts: str) -> str:
    """Remove the filled-in values: the service name is a complement and controls nothing."""
    for part in parts:
        assert part in text, (part, text)
        text = text.replace(part, " ")
    return text


def test_the_verb_detector_catches_a_sentence_built_from_fragments() -> None:
    # The old way: service name, then a status label of another class.
    assert disagreements("Pasipoti ya kawaida: linashughulikiwa.") == [
        "linashughulikiwa (subject class None)"]
    assert disagreements("Ombi lako limekamilika: hati liko tayari.") == ["liko (subject class 9)"]
    assert disagreements("Ombi lako limekamilika: hati iko tayari.") == []


@pytest.mark.parametrize("status", [*APPLICATION_STATUSES, "some_new_status"])
@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.code)
def test_every_status_of_every_service_agrees_in_swahili(status: str, service: ServiceData) -> None:
    turn = swahili_turn()
    name = service.name_sw
    sentence = status_sentence(turn, status, name, REFERENCE)
    item = status_item(turn, status, name, REFERENCE)
    assert sentence.startswith(f"Ombi lako la {name} ({REFERENCE}) "), sentence
    assert item.startswith(f"Ombi {REFERENCE} ({name})"), item
    assert disagreements(without(sentence, name, REFERENCE)) == []
    assert disagreements(without(item, name, REFERENCE)) == []
    update = turn._(UPDATE, sentence=sentence)
    assert update.startswith("Habari mpya: Ombi lako"), update


def test_the_application_sentences_use_the_possessive_of_ombi() -> None:
    mine, of = POSSESSIVE[NOUN_CLASS["ombi"]]
    translator = swahili_turn().t
    for message in [*SENTENCES.values(), UNKNOWN_SENTENCE]:
        assert translator.gettext(message).startswith(f"Ombi {mine} {of} %(service)s"), message
    for message in [*LIST_ITEMS.values(), UNKNOWN_ITEM]:
        assert translator.gettext(message).startswith("Ombi %(reference)s"), message


def test_every_status_has_its_own_sentence_and_list_item() -> None:
    assert set(SENTENCES) == set(LIST_ITEMS) == set(APPLICATION_STATUSES)
    translator = swahili_turn().t
    assert len({translator.gettext(m) for m in SENTENCES.values()}) == len(SENTENCES)


@pytest.mark.parametrize(("labels", "subject"), [(TICKET_STATUS, "tiketi"), (PAYMENT_STATUS, "malipo")])
def test_ticket_and_payment_statuses_agree_with_their_subject(
    labels: dict[str, tuple[str, str]], subject: str
) -> None:
    translator = swahili_turn().t
    for context, message in labels.values():
        said = translator.pgettext(context, message)
        assert said != message, f"{context}: {message} is not translated"
        assert disagreements(said, NOUN_CLASS[subject]) == [], said
    ticket = swahili_turn()._("Ticket %(number)s: %(status)s.", number="HD-1",
                              status=translator.pgettext(*TICKET_STATUS["cancelled"]))
    assert disagreements(ticket) == []


def test_one_english_word_takes_the_swahili_of_its_subject() -> None:
    translator = swahili_turn().t
    ticket = translator.pgettext(*TICKET_STATUS["cancelled"])
    payment = translator.pgettext(*PAYMENT_STATUS["cancelled"])
    assert TICKET_STATUS["cancelled"][1] == PAYMENT_STATUS["cancelled"][1] == "cancelled"
    assert (ticket, payment) == ("imeghairiwa", "yameghairiwa")
