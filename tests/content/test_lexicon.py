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
])
def test_chat_and_swahili_forms_reach_the_articles_words(text: str, word: str) -> None:
    assert f" {word} " in f" {NORMALISE(text)} "
