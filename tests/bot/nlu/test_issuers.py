"""Whose document a question asks about: a country abroad that issues it, or the story's place."""

from __future__ import annotations

import pytest

from bot.nlu.issuers import ANY, bystanders, is_kenyan, issuers

ABROAD = frozenset(("uganda", "tanzania", "dubai", "canada", "usa", "qatar", "kampala",
                    "uingereza", "uk", "rwanda"))
PEOPLE = frozenset(("mke", "mume", "baba", "mtoto", "wife", "husband"))
NATIONALITIES = frozenset(("ugandan", "tanzanian", "mganda", "somali", "indian", "british"))


def found(text: str) -> set[str]:
    return set(issuers(text.split(), ABROAD.__contains__, PEOPLE))


def story(text: str) -> set[str]:
    clauses = [c.split() for c in text.split(",")]
    return bystanders(clauses, NATIONALITIES.__contains__, PEOPLE)


@pytest.mark.parametrize(("words", "place"), [
    ("passport ya uganda inapatikana aje", "uganda"),  # a Swahili connective of the document
    ("birth certificate cha tanzania nakipata je", "tanzania"),
    ("certificate cha ndoa cha tanzania", "tanzania"),  # through a word of the document's name
    ("how do i get a uganda passport", "uganda"),  # English: the place before the name
    ("tanzania smart driving licence renewal", "tanzania"),
    ("a passport of uganda", "uganda"),
    ("good conduct from the uganda police", "uganda"),  # the body a document comes from
    ("visa for canada from kenya", "canada"),  # a visa admits to the country it is for
    ("visa ya kwenda dubai", "dubai"),
    ("how do i get a visa to go to the usa", "usa"),
    ("work permit for qatar", "qatar"),
])
def test_issuers_a_place_abroad_that_makes_the_document(words: str, place: str) -> None:
    assert found(words) == {place}


@pytest.mark.parametrize("words", [
    "i live in uganda how do i renew my kenyan passport",  # where the citizen lives
    "nataka passport ya kwenda uganda",  # a passport for a journey is ours
    "passport ya safari ya uganda",  # "safari" is no word of the document's name
    "niko dubai na passport yangu ime expire",  # only the name's own words may stand between
    "my passport was stolen in kampala and i reported to the kampala police",
    "my wife from uganda needs a work permit in kenya",  # where the worker comes from
    "visa for my friend coming from canada",
    "export permit for goods to uganda",  # only a visa or work permit admits to a country
    "passport ya nairobi",  # not abroad
])
def test_issuers_a_place_in_the_story_issues_nothing(words: str) -> None:
    assert found(words) == set()


@pytest.mark.parametrize(("words", "document"), [
    ("i have a uganda passport do i need an eta", "passport"),  # the passport's, not the eTA's
    ("certificate cha ndoa cha tanzania", "certificate"),
    ("visa ya kwenda dubai", "visa"),
    ("work permits for qatar", "permit"),
    ("good conduct from the uganda police", ANY),  # a body makes whichever document is asked
])
def test_issuers_names_the_document_the_place_issues(words: str, document: str) -> None:
    assert list(issuers(words.split(), ABROAD.__contains__).values()) == [document]


@pytest.mark.parametrize("words", [
    "passport yangu ya tanzania lost",  # a possessive between the document and its place
    "id changu cha rwanda lost",
    "certificate changu cha ndoa cha tanzania lost",
    "driving licence ya mke wangu ya uganda",  # a person with their possessive
    "i need a birth certificate from tanzania",  # where the document comes from
    "death certificate cha baba kutoka uganda",
    "driving licence issued in uganda has expired",
    "passport issued by tanzania lost",
    "certificate cha ndoa tulichopata tanzania lost",  # "which we got in Tanzania"
    "a passport that uganda issued me",
    "tanzania s birth certificate for my child",  # the apostrophe of "Tanzania's" gone
])
def test_issuers_as_citizens_write_them(words: str) -> None:
    assert found(words)


@pytest.mark.parametrize("words", [
    "nikiwa uingereza id lost",  # a locative: where the citizen is
    "niko dubai passport expired",
    "i am in the uk passport expired how do i renew",
    "good conduct cha kazi ya qatar",  # "kazi" names a work permit, not a good conduct
    "how do i renew my passport from dubai",  # renewing governs the document: ours
    "how do i apply for a birth certificate from the uk",
    "i bought a car from uganda",  # no document
    "can i pay with a uk card",  # a card alone is a bank card
    "passport ya mtoto wangu ya kwenda uganda",  # a passport for a journey
])
def test_issuers_the_citizens_place_or_another_thing_issues_nothing(words: str) -> None:
    assert found(words) == set()


def test_issuers_a_card_after_a_document_is_that_document() -> None:
    words = ["the", "id", "card", "of", "uganda"]
    assert issuers(words, ABROAD.__contains__) == {"uganda": "id"}


def test_issuers_kenya_and_its_people_and_manner_are_kenyan() -> None:
    assert all(map(is_kenyan, ("kenya", "kenyan", "mkenya", "wakenya", "kikenya")))
    assert not is_kenyan("uganda")


@pytest.mark.parametrize(("text", "who"), [
    ("i am a kenyan of somali origin", "somali"),  # someone called Kenyan in the clause
    ("my indian kenyan father needs to renew his passport", "indian"),
    ("how do i get a marriage certificate, my wife is ugandan", "ugandan"),  # a relative
    ("i am married to a tanzanian, how do we register our child", "tanzanian"),  # a spouse
    ("nimeolewa na mganda, mtoto wetu anahitaji cheti", "mganda"),  # the child, named, needs it
])
def test_bystanders_a_nationality_of_someone_else_is_the_story(text: str, who: str) -> None:
    assert story(text) == {who}


@pytest.mark.parametrize("text", [
    "my wife is ugandan, how does she renew her passport",  # she holds the document
    "mke wangu ni mganda, anataka renew passport",  # she wants it renewed
    "i am ugandan how do i renew my passport",  # the citizen's own nationality
    "mganda anataka renew passport yake",
])
def test_bystanders_the_holders_nationality_still_counts(text: str) -> None:
    assert story(text) == set()
