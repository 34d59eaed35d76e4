"""K-fold evaluation of the knowledge matcher: hold example questions out, ask them, score."""

from __future__ import annotations

import random
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from bot.knowledge.loader import Knowledge
from bot.nlu.matcher import KnowledgeMatcher


@dataclass(frozen=True, slots=True)
class Case:
    """One held-out question with the label it must reach."""

    text: str
    expected: str
    language: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the matcher answered for a case: the top label and its confidence, the runner-up."""

    case: Case
    top: str
    confidence: float
    second: float
    second_label: str = ""


@dataclass
class KFoldReport:
    """Per-language top-1 accuracy and the outcomes behind it."""

    outcomes: list[Outcome] = field(default_factory=list)

    def accuracy(self, language: str | None = None) -> float:
        """Return top-1 accuracy, overall or for one language."""
        chosen = [o for o in self.outcomes if language in (None, o.case.language)]
        return sum(o.top == o.case.expected for o in chosen) / len(chosen) if chosen else 0.0

    def count(self, language: str | None = None) -> int:
        """Return how many cases were asked."""
        return sum(language in (None, o.case.language) for o in self.outcomes)

    def confusions(self, limit: int = 10) -> list[tuple[tuple[str, str], int]]:
        """Return the most frequent (expected, answered) mistakes."""
        wrong = Counter((o.case.expected, o.top) for o in self.outcomes if o.top != o.case.expected)
        return wrong.most_common(limit)


def article_cases(knowledge: Knowledge) -> list[Case]:
    """Return every article example question as a case."""
    return [
        Case(question, article_id, language)
        for (article_id, language), article in sorted(knowledge.articles.items())
        for question in article.questions
    ]


def intent_cases(knowledge: Knowledge) -> list[Case]:
    """Return every built-in intent example as a case."""
    return [Case(e, i.intent, i.language) for i in knowledge.intents for e in i.examples]


def kfold(
    knowledge: Knowledge,
    cases: Sequence[Case],
    *,
    folds: int = 5,
    seed: int = 13,
    build: Callable[[Knowledge, Iterable[str]], KnowledgeMatcher] | None = None,
    stable: bool = False,
) -> KFoldReport:
    """Train without each fold's questions, then ask them; every case is asked exactly once.

    `stable` puts each question in the fold its text hashes to, so adding an article does not
    move the other articles' questions between folds (the lint relies on it); otherwise the
    cases are shuffled with `seed`, which balances the folds better for benchmark figures.
    """
    builder = build or (lambda k, exclude: KnowledgeMatcher(k, exclude=exclude))
    shuffled = list(cases)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 - a reproducible split, not a secret
    buckets: dict[int, list[Case]] = defaultdict(list)
    for index, case in enumerate(shuffled):
        fold = zlib.crc32(case.text.strip().lower().encode()) if stable else index
        buckets[fold % folds].append(case)
    report = KFoldReport()
    for fold in range(folds):
        held_out = buckets[fold]
        matcher = builder(knowledge, [c.text for c in held_out])
        for case in held_out:
            ranking = matcher.parse(case.text, case.language).ranking
            top = ranking[0] if ranking else None
            report.outcomes.append(
                Outcome(
                    case,
                    top.name if top else "",
                    top.confidence if top else 0.0,
                    ranking[1].confidence if len(ranking) > 1 else 0.0,
                    ranking[1].name if len(ranking) > 1 else "",
                )
            )
    return report
