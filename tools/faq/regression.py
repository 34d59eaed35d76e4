"""The regression table built from the content: every example and extra case reaches its article."""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.loader import Knowledge
from bot.nlu.matcher import KnowledgeMatcher


@dataclass(frozen=True, slots=True)
class RegressionCase:
    """A question that must reach `expected`.

    `learnt` is False for held-out `tests:` cases; `known_gap` marks a `known_gaps:` phrasing
    the matcher does not get right yet: reported, never a failure.
    """

    text: str
    expected: str
    language: str
    path: str
    learnt: bool
    known_gap: bool = False


@dataclass(frozen=True, slots=True)
class RegressionResult:
    """A case with what the matcher answered."""

    case: RegressionCase
    answered: str
    confidence: float

    @property
    def passed(self) -> bool:
        """Return True when the case reached its own article."""
        return self.answered == self.case.expected

    @property
    def failed(self) -> bool:
        """Return True for a failure that counts (known gaps never do)."""
        return not self.passed and not self.case.known_gap


def regression_cases(knowledge: Knowledge) -> list[RegressionCase]:
    """Return every article question, `tests:` case and known gap, in both languages."""
    cases = []
    for (article_id, language), article in sorted(knowledge.articles.items()):
        cases += [RegressionCase(q, article_id, language, article.path, True)
                  for q in article.questions]
        cases += [RegressionCase(q, article_id, language, article.path, False)
                  for q in article.extra_cases]
        cases += [RegressionCase(q, article_id, language, article.path, False, known_gap=True)
                  for q in article.known_gaps]
    return cases


def run_regression(matcher: KnowledgeMatcher) -> list[RegressionResult]:
    """Ask every case and record the top answer."""
    results = []
    for case in regression_cases(matcher.knowledge):
        top = matcher.parse(case.text, case.language).top
        answered = (top.name, top.confidence) if top else ("", 0.0)
        results.append(RegressionResult(case, *answered))
    return results
