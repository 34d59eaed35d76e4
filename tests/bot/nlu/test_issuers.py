"""Whose document a question asks about: a country abroad that issues it, or the story's place."""

from __future__ import annotations

import pytest

from bot.nlu.issuers import ANY, issuers

ABROAD = frozenset(("uganda", "tanzania", "dubai", "canada", "usa", "qatar", "kampala"))


def found(text: str) -> set[str]:
    return set(issuers(text.split(), ABROAD.__contains__))


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
