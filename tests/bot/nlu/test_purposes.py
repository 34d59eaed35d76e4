"""What one of our documents is wanted for, or by whom: the story around the thing asked for."""

from __future__ import annotations

import pytest

from bot.nlu.purposes import stories

# Names as the normaliser leaves them ("cheti cha tabia njema" is "good conduct").
DOCUMENTS = (("good", "conduct"), ("kra", "pin"), ("birth", "certificate"), ("id",),
             ("passport",), ("death", "certificate"))
PEOPLE = frozenset(("mama", "baba", "mtoto", "son", "daughter", "wangu"))


def told(text: str) -> set[str]:
    clauses = [c.split() for c in text.split(",")]
    return set(stories(clauses, DOCUMENTS, PEOPLE))


@pytest.mark.parametrize(("text", "story"), [
    ("good conduct for a tsc job application", {"tsc", "job", "application"}),
    ("good conduct for kdf recruitment", {"kdf", "recruitment"}),
    ("birth certificate needed for my son s knec registration", {"knec", "registration"}),
    ("good conduct kwa kazi ya ualimu ya tsc", {"kazi", "ualimu", "tsc"}),
    ("good conduct kwa ajili ya kujiunga na kdf", {"kujiunga", "kdf"}),  # "na" it governs
    ("death certificate cha mama ili tudai pesa zake", {"tudai", "pesa", "zake"}),
    ("nataka good conduct ya internship", {"internship"}),  # a two-word name's connective
    ("passport ya kuenda hajj", {"kuenda", "hajj"}),  # a one-word name: an infinitive only
    ("kra pin to open a bank account", {"open", "bank", "account"}),
    ("msee hana kra pin na anataka kuopen bank account", {"kuopen", "bank", "account"}),
    ("good conduct nipate job ya rider", {"nipate", "job", "rider"}),  # a subjunctive
    ("good conduct before they hire me", {"they", "hire", "me"}),
])
def test_what_a_document_is_wanted_for_is_the_story(text: str, story: set[str]) -> None:
    assert story <= told(text)


@pytest.mark.parametrize(("text", "story"), [
    ("my id got lost, i need it for my helb application", {"helb", "application"}),
    ("id changu kimepotea na nakihitaji kwa usajili wa sha", {"usajili", "sha"}),
])
def test_a_pronoun_carries_a_document_named_before(text: str, story: set[str]) -> None:
    assert story <= told(text)


@pytest.mark.parametrize(("text", "story"), [
    ("my internship wants a good conduct", {"internship"}),
    ("shule inataka birth certificate", {"shule"}),
    ("boss wangu anataka kra pin", {"boss"}),
    ("the hustler fund wants a kra pin", {"hustler", "fund"}),
    ("the embassy asked for a good conduct", {"embassy"}),
])
def test_whoever_wants_the_document_is_the_story(text: str, story: set[str]) -> None:
    assert story <= told(text)


def test_whoever_wants_the_document_reaches_back_to_a_verb_only() -> None:
    assert told("mtoto wangu amefika miaka 18 anataka id") == {"miaka", "18"}


@pytest.mark.parametrize("text", [
    "nataka id cha mpiga kura",  # a one-word name takes its kind after "cha": a voter's card
    "an id for refugees",  # a bare plural after "for": whom it is for, its kind
    "how do i register for vat using my kra pin",  # "for" follows no document
    "my kra pin is fine, how do i file a vat refund",
    "i need a good conduct",  # the citizen wants it: no one else's story
    "helb clearance certificate for a government job",  # no document of ours
    "i already have a good conduct for the tsc job, how do i apply",  # held: the purpose asks
    "i got my kra pin for the hustler fund, how do i borrow",
    "nimepata kra pin ya hustler fund, nitakopa aje",
    "niko na kra pin na nataka kuapply hustler fund",
    "i have a passport and want to apply for a canada visa",  # the citizen's own "and want to"
    "an id for a refugee",  # whom it is for, after its determiner
    "id for an asylum seeker",
])
def test_no_story_without_a_purpose_of_our_document(text: str) -> None:
    assert told(text) == set()


def test_the_purpose_ends_at_the_question() -> None:
    assert told("good conduct for a visa how do i apply") == {"a", "visa"}
    assert told("good conduct for a visa, how long does it take") == {"a", "visa"}


def test_a_word_also_said_outside_the_story_is_not_story() -> None:
    found = told("nssf wants my id, how do i check my nssf statement")
    assert "nssf" not in found


def test_without_documents_nothing_is_the_story() -> None:
    assert stories([["good", "conduct", "for", "a", "tsc", "job"]], ()) == frozenset()


def test_a_document_asked_for_still_has_its_story_beside_one_held() -> None:
    assert "helb" in told("i have lost my id and need it for my helb application")
    assert told("msee hana kra pin na anataka kuopen bank account") == {"kuopen", "bank",
                                                                       "account"}
