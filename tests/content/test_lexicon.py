"""The shipped lexicon: chat and Swahili forms reach the words the articles are written in."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_knowledge
from bot.nlu.matcher import build_normalizer
from tests.conftest import REPO

NORMALISE = build_normalizer(load_knowledge(REPO / "knowledge"))


@pytest.mark.parametrize(("text", "word"), [
    ("is there an email for the ecitizen helpdesk", "customer care"),
    ("help desk ya ecitizen", "customer care"),
    ("sipokei nambari ya kuthibitisha", "otp"),  # the code that verifies, as "a number"
    ("kila nikiingia naulizwa msimbo", "login"),  # "when I enter (the account)"
    ("unapoingia kwa akaunti", "login"),
    ("nahitaji cheti kwa zabuni", "tender"),
    ("application yangu ime-rejectiwa", "rejected"),  # Sheng passive of "reject"
    ("nimesahau pasiwedi", "password"),  # English typed as a Swahili speaker says it
    ("kitamburisho kimepotea", "id"),  # r for l
    ("cheti cha kuzaliwa cha mtt", "mtoto"),
    ("cheti cha tabia nzuri", "good conduct"),  # "nzuri" for "njema"
    ("sipati ujumbe wa nambari ya kuingia", "otp"),
    ("namba ya kodi ya kra", "kra pin"),
    ("watoto hawajasajiliwa tangu wazaliwe", "not registered"),  # someone else, not sign-up
    ("mwanangu hajasajiliwa", "not registered"),
    ("mfumo uko chini leo", "down"),
    ("the website keeps timing out", "down"),
    ("hati zangu zinakataa kupakiwa", "upload"),  # the passive of "pakia"
    ("nikipakia picha inakataa", "upload"),
    ("malipo yangu hayajathibitishwa", "not reflected"),
    ("walimwibia pasipoti", "lost"),  # they stole from him: object infix
    ("jina la duka langu", "business name"),
    ("tunahamisha kadi ya umiliki", "logbook"),  # the ownership card
    ("hati ya tabia njema kutoka idara ya upelelezi", "dci"),  # the DCI's short Swahili name
    ("sina tarakilishi", "kompyuta"),  # the formal word for a computer
    ("nimekwisha lipa lakini", "nimelipa"),  # the coast's perfect
    ("jina la kibanda changu", "business name"),  # a stall, with the possessive between
    ("tovuti hauwaki", "not loading"),  # "does not light up", agreeing with a u-class noun
    ("nataka ulinzi wa hatua mbili", "2fa"),
    ("habari zangu za kibinafsi", "personal data"),
    ("can my wife pick my passport", "collect"),
    ("naeza tuma mtu a-pick ID yangu", "collect"),  # Sheng: subject prefix on the verb
    ("mtumie akichukue", "collect"),  # the subjunctive with an object: that he collect it
    ("sijatumiwa msimbo wowote", "otp"),  # "msimbo wa muamala" stays the M-Pesa code
    ("msimbo wa muamala wa mpesa", "transaction code"),
    ("nataka kujua mwenye kiwanja", "plot"),
    ("kitambulisho changu kimechakaa", "damaged"),  # worn out
    ("vyeti vimechakaa", "damaged"),  # the same verb agreeing with another class
    ("my id got soaked", "damaged"),
    ("mtoi alizaliwa hosi", "hospitali"),  # Sheng for the hospital
])
def test_chat_and_swahili_forms_reach_the_articles_words(text: str, word: str) -> None:
    assert f" {word} " in f" {NORMALISE(text)} "
