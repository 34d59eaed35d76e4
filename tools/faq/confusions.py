"""The held-out check of confusable articles (slow: it refits the matcher five times)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.config import MatchingSettings
from bot.knowledge.loader import Knowledge, Problem
from bot.nlu.kfold import article_cases, kfold
from tools.faq.locate import find_line


def confusable(knowledge: Knowledge, folds: int = 5,
               bands: MatchingSettings | None = None) -> Iterable[Problem]:
    """Report questions that, held out of the model, would be answered with another article.

    Only confident wrong answers are reported (at or above the answer band, clear of the
    runner-up): a weaker match makes the assistant offer choices, not a wrong answer. Each
    question's fold depends only on its own text, so adding or changing one article does not
    move the warnings of unrelated articles.
    """
    bands = bands or MatchingSettings()
    report = kfold(knowledge, article_cases(knowledge), folds=folds, stable=True)
    articles = set(knowledge.article_ids())
    for outcome in report.outcomes:
        case = outcome.case
        if outcome.top == case.expected or outcome.top not in articles:
            continue
        if outcome.confidence < bands.answer or outcome.confidence - outcome.second < bands.margin:
            continue
        article = knowledge.articles[(case.expected, case.language)]
        yield Problem(
            article.path, find_line(article.path, case.text, after="questions:"),
            f"confusable with {outcome.top!r}: a citizen asking {case.text!r} in other words "
            f"would be answered with {outcome.top!r} ({outcome.confidence:.2f}). Give this "
            f"article's questions the words that set it apart from {outcome.top!r}", "warning")
