"""Finding the other agency's service a question names, and which labels already cover it."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_knowledge
from bot.nlu.elsewhere import ElsewhereIndex
from bot.nlu.matcher import build_normalizer
from tests.conftest import REPO

KNOWLEDGE = load_knowledge(REPO / "knowledge")
INDEX = ElsewhereIndex(KNOWLEDGE, build_normalizer(KNOWLEDGE))


@pytest.mark.parametrize(("question", "service"), [
    ("where do I follow up my tax refund", "kra-tax"),
    ("the refund of my tax is late", "kra-tax"),  # any order, a word between
    ("Refunds of taxes, who does them?", "kra-tax"),  # plural and case
    ("nawezaje kuomba mkopo wa chuo kikuu", "helb"),  # Swahili, the longest term wins
    ("naomba mkopo wa wanafunzi", "helb"),  # "naomba" and "kuomba" share their root
    ("my nhif card got lost", "sha"),
    ("bili ya stima imepanda sana", "kplc"),
    ("how do I register a trademak for my shop", "kipi"),  # a close spelling
    ("how much is import duty on a used car", "kra-tax"),
    ("duty ya kuimport gari kutoka japan", "kra-tax"),  # Sheng "kuimport" is "import"
    ("kesi ya mirathi ya shamba la marehemu", "judiciary"),  # a succession cause
    ("nataka divorce papers", "judiciary"),
    ("business permit ya county naeza apply online", "county"),
    ("land rates za county nalipa wapi", "county"),
    ("where do i get a police abstract after an accident", "police-abstract"),
    ("nitapata wapi ripoti ya polisi baada ya ajali", "police-abstract"),  # lexicon: abstract
    ("how to register a community based organisation", "community-groups"),
    ("nataka kusajili kikundi cha kina mama cha kujisaidia", "community-groups"),
    ("mkopo wa kikundi kutoka uwezo fund", "uwezo-fund"),  # a group's loan, not registering it
    ("my teacher's pension has not been paid", "public-service-pensions"),
    ("pensheni yangu ya ualimu haijaingia", "public-service-pensions"),
    ("nataka kuconnect stima kwa plot", "kplc"),  # Sheng "kuconnect" is "connect"
    ("nawezaje kupata uraia wa kenya nikiwa mgeni", "citizenship"),
    ("steps to register a sacco for our boda boda group", "cooperatives"),
    ("nataka kusajili chama cha ushirika", "cooperatives"),
    ("how do i register an ngo in kenya", "pbo"),
    ("jinsi ya kusajili shirika lisilo la kiserikali", "pbo"),
    ("niaje, nataka ku-apply tour guide licence", "tourism-licensing"),
    ("someone stole the number plates off my probox", "ntsa-vehicles"),
    ("vibao vya nambari vya gari langu vimeibiwa", "ntsa-vehicles"),
    ("steps to get a learners licence before driving lessons", "ntsa-vehicles"),
    ("naomba leseni ya kujifunza udereva", "ntsa-vehicles"),  # a learner's, not a smart DL
    ("tunataka kugawanya shamba la urithi", "ardhisasa"),
    ("nataka kuongeza watoto wangu kwa sha", "sha"),  # dependants, not a payment
])
def test_find_names_the_service_of_the_term_the_question_uses(question: str,
                                                              service: str) -> None:
    found = INDEX.find(question)
    assert found is not None and found.service.id == service


@pytest.mark.parametrize("question", [
    "how do I reset my ecitizen password",
    "nimesahau password yangu",
    "leseni yangu imeisha",  # "sha" is an acronym, never the end of "imeisha"
    "how do I pay for my passport",  # "pay" is not "PAYE"
    "I paid my tax then asked the bank for a refund",  # too far apart to name one thing
    "is vat charged on passport fees",  # VAT is named, but no VAT service is asked for
    "leseni ya biashara ya kuagiza bidhaa",  # "business permit" by the lexicon: no term
    "land rates clearance certificate ministry of lands",  # the land rent article's confusion
    "cheti cha kifo kinahitajika kwa mirathi",  # succession needs the death certificate
    "do i need a police abstract for a lost passport",  # the passport article answers that
    "leseni yangu ya udereva imeisha muda",  # an expired licence is the smart DL's
    "transfer a car with number plate kca",  # a plate named, nothing done to it
])
def test_find_ignores_questions_that_name_no_such_service(question: str) -> None:
    assert INDEX.find(question) is None


def test_an_exact_term_wins_over_a_close_spelling() -> None:
    found = INDEX.find("student loan application")
    assert found is not None and found.exact == found.words


def test_covers_only_when_one_of_the_label_texts_names_the_whole_term() -> None:
    assert INDEX.covers("kra-pin", "kra pin")  # its own questions say so
    assert not INDEX.covers("refund", "tax refund")  # eCitizen refunds are not tax refunds
    assert INDEX.covers("agency-payments", "helb loan")  # paying a HELB loan is ours
    assert not INDEX.covers("agency-payments", "apply helb loan")  # applying for one is not
    assert not INDEX.covers("out_of_scope", "tax refund")  # "can't help" covers nothing
    assert not INDEX.covers("no-such-label", "tax refund")


def test_content_words_drop_everyday_words_only() -> None:
    assert INDEX.content_words("apply for a title deed") == ("apply", "title", "deed")
    assert INDEX.content_words("get a title deed") == ("get", "title", "deed")  # the first stays
    assert INDEX.content_words("mkopo wa wanafunzi") == ("mkopo", "wanafunzi")
    assert INDEX.content_words("the") == ("the",)  # a term of everyday words keeps them


def test_getting_a_document_is_not_checking_one() -> None:
    # the land-search article names title deeds only to verify one before buying land
    found = INDEX.find("how do i get a title deed for my plot after buying it")
    assert found is not None and found.service.id == "ardhisasa"
    assert not INDEX.covers("land-search", found.term)
    checking = INDEX.find("how do i verify a title deed before buying land")
    assert checking is None or INDEX.covers("land-search", checking.term)
