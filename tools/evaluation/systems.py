"""Systems under test: the `Ranker` port, our IntentModel and the two reference matchers."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz, process, utils
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from bot.nlu.model import IntentModel


class Candidate(Protocol):
    """One ranked label as any system returns it."""

    @property
    def label(self) -> str:
        """Return the label."""

    @property
    def confidence(self) -> float:
        """Return the confidence, 0..1, comparable across texts."""


class Ranker(Protocol):
    """Anything that ranks labels for a text: the system under test."""

    def rank(self, text: str, k: int = 5) -> Sequence[Candidate]:
        """Return the `k` best labels for `text`, best first."""


Factory = Callable[[Sequence[str], Sequence[str]], Ranker]
"""Train a ranker from example texts and their labels."""


@dataclass(frozen=True, slots=True)
class Scored:
    """A label and its confidence, as the reference systems return them."""

    label: str
    confidence: float


class FuzzyFloor:
    """The naive floor: the label of the 1-nearest training example by `fuzz.ratio`."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        # Processing the choices once is what extractOne's processor would do on every call.
        self._choices = [utils.default_process(t) for t in texts]
        self._labels = list(labels)

    def rank(self, text: str, k: int = 5) -> list[Scored]:
        """Return the labels of the nearest examples, one per label, best first."""
        hits = process.extract(utils.default_process(text), self._choices, scorer=fuzz.ratio,
                               processor=None, limit=max(k * 4, 10))
        ranked: dict[str, float] = {}
        for _, score, position in hits:
            ranked.setdefault(self._labels[position], score / 100.0)
        return [Scored(label, conf) for label, conf in list(ranked.items())[:k]]


class TfidfLinear:
    """The reference: TF-IDF (character 2-5 and word 1-2 grams) with a linear SVM."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        self._vectorizer = FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ])
        matrix = self._vectorizer.fit_transform(list(texts))
        self._classifier = LinearSVC(C=1.0).fit(matrix, list(labels))
        self._labels = [str(c) for c in self._classifier.classes_]

    def rank(self, text: str, k: int = 5) -> list[Scored]:
        """Return the labels with the highest decision values (squashed to 0..1), best first."""
        scores = np.ravel(self._classifier.decision_function(self._vectorizer.transform([text])))
        if len(self._labels) == 2:  # a binary SVM returns one score for the second class
            scores = np.array([-scores[0], scores[0]])
        order = np.argsort(-scores)[:k]
        return [Scored(self._labels[i], 1.0 / (1.0 + math.exp(-2.0 * float(scores[i]))))
                for i in order]


def intent_model(texts: Sequence[str], labels: Sequence[str]) -> Ranker:
    """Train our IntentModel with its defaults."""
    return IntentModel().fit(texts, labels)


SYSTEMS: dict[str, Factory] = {
    "msaidizi IntentModel": intent_model,
    "TF-IDF + linear SVM (reference)": TfidfLinear,
    "rapidfuzz 1-NN fuzz.ratio (floor)": FuzzyFloor,
}
