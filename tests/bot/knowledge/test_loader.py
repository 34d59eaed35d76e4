"""The loaded knowledge's article look-ups."""

from __future__ import annotations

import dataclasses
from datetime import date

from bot.core.ports import Article
from bot.knowledge.loader import Knowledge, Lexicon


def _article(article_id: str, language: str) -> Article:
    return Article(id=article_id, language=language, title=f"{article_id} {language}",
                   body="Body.", questions=("a question",), keywords=(), synonyms=(), tags=(),
                   agency="eCitizen", source="https://www.ecitizen.go.ke",
                   reviewed=date(2026, 1, 1))


def _knowledge() -> Knowledge:
    articles = {(a, lang): _article(a, lang)
                for a, lang in (("pay", "sw"), ("pay", "en"), ("only-sw", "sw"), ("zeta", "en"))}
    return Knowledge(articles, (), Lexicon())


def test_an_article_is_found_in_the_language_asked_for() -> None:
    found = _knowledge().article("pay", "sw")
    assert found is not None and found.language == "sw"


def test_an_article_missing_in_a_language_falls_back_to_its_first_language() -> None:
    knowledge = _knowledge()
    assert [getattr(knowledge.article(a, lang), "language", None)
            for a, lang in (("only-sw", "en"), ("zeta", "sw"))] == ["sw", "en"]


def test_a_name_that_is_no_article_finds_none() -> None:
    assert _knowledge().article("greet", "en") is None


def test_the_ids_are_sorted_once_and_survive_a_replace() -> None:
    knowledge = dataclasses.replace(_knowledge(), problems=())
    assert knowledge.article_ids() == ["only-sw", "pay", "zeta"]
    assert knowledge.article("only-sw", "en") is not None
