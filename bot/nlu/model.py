"""The intent model: rank labels for a text, trained from plain (label, examples) pairs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np
from rapidfuzz import fuzz, process, utils
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

Normalise = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Ranked:
    """A label with its confidence (0..1) and the training example closest to the text."""

    label: str
    confidence: float
    example: str | None = None
    fuzzy: float = 0.0


class IntentModel:
    """TF-IDF (character and word n-grams) with a linear classifier, blended with RapidFuzz.

    The linear model generalises from many phrasings; the fuzzy nearest example rescues
    short, misspelled questions that are close to one written example.
    """

    def __init__(self, normalise: Normalise | None = None, *, fuzzy_weight: float = 0.35) -> None:
        self._normalise = normalise or (lambda s: utils.default_process(s))
        self._fuzzy_weight = fuzzy_weight
        self._labels: list[str] = []
        self._examples: list[str] = []
        self._example_labels: list[int] = []
        self._raw_examples: list[str] = []

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Self:
        """Learn from example texts and their labels."""
        if len(texts) != len(labels) or not texts:
            raise ValueError("texts and labels must be non-empty and of equal length")
        self._labels = sorted(set(labels))
        index = {label: i for i, label in enumerate(self._labels)}
        self._raw_examples = list(texts)
        self._examples = [self._normalise(t) for t in texts]
        self._example_labels = [index[label] for label in labels]
        self._vectorizer = FeatureUnion(
            [
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                          sublinear_tf=True, min_df=1)),
                ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2),
                                          sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")),
            ]
        )
        matrix = self._vectorizer.fit_transform(self._examples)
        if len(self._labels) > 1:
            self._classifier: LogisticRegression | None = LogisticRegression(
                C=20.0, max_iter=2000
            ).fit(matrix, self._example_labels)
        else:
            self._classifier = None
        return self

    @property
    def labels(self) -> Sequence[str]:
        """Return the labels the model knows."""
        return self._labels

    def rank(self, text: str, k: int = 5) -> list[Ranked]:
        """Return the `k` best labels for `text`, best first."""
        query = self._normalise(text)
        if not query:
            return []
        probabilities = self._probabilities(query)
        nearest = self._nearest(query)
        scores = (1 - self._fuzzy_weight) * probabilities
        for label_index, (score, _) in nearest.items():
            scores[label_index] += self._fuzzy_weight * score / 100.0
        order = np.argsort(-scores)[:k]
        return [
            Ranked(
                label=self._labels[i],
                confidence=float(min(1.0, scores[i])),
                example=nearest.get(int(i), (0.0, None))[1],
                fuzzy=nearest.get(int(i), (0.0, None))[0],
            )
            for i in order
        ]

    def _probabilities(self, query: str) -> np.ndarray:
        if self._classifier is None:
            return np.ones(1)
        vector = self._vectorizer.transform([query])
        return np.asarray(self._classifier.predict_proba(vector)[0], dtype=float)

    def _nearest(self, query: str) -> dict[int, tuple[float, str]]:
        """Return, per label, the best fuzzy score among its examples and that example."""
        hits = process.extract(
            query,
            self._examples,
            scorer=fuzz.token_sort_ratio,
            processor=None,
            limit=25,
            score_cutoff=40,
        )
        best: dict[int, tuple[float, str]] = defaultdict(lambda: (0.0, ""))
        for _, score, position in hits:
            label_index = self._example_labels[position]
            if score > best[label_index][0]:
                best[label_index] = (float(score), self._raw_examples[position])
        return dict(best)
