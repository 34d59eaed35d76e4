"""The hand-written TF-IDF transform gives scikit-learn's numbers on the real knowledge base.

`_Features.transform` recomputes TfidfVectorizer's sublinear, L2-normalised weights itself
(much faster for one short question); this pins that it stays the same arithmetic.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.knowledge.loader import load_knowledge
from bot.nlu.matcher import build_normalizer, training_set
from bot.nlu.model import _Features

REPO = Path(__file__).resolve().parents[3]
UNSEEN = [
    "how much is a passport renewal for my daughter?", "nataka kulipa bili yangu kwa mpesa",
    "zzzz qqqq", "", "!!!", "hali ya ombi PP-2025-000123", "Habari, nimesahau nenosiri langu",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    knowledge = load_knowledge(REPO / "knowledge")
    normalise = build_normalizer(knowledge)
    examples = [normalise(t) for t in training_set(knowledge).texts]
    assert len(examples) > 500  # the whole knowledge base, not a sample
    return examples


@pytest.mark.parametrize(("char_ngrams", "pair_weight"), [((2, 5), 1.0), ((2, 4), 0.5),
                                                          ((3, 5), 0.0)])
def test_transform_equals_scikit_learn_tfidf(
    texts: list[str], char_ngrams: tuple[int, int], pair_weight: float
) -> None:
    features = _Features(char_ngrams, pair_weight)
    fitted = features.fit_transform(texts)  # scikit-learn's own numbers for the examples
    queries = texts + UNSEEN
    # scikit-learn's own char_wb analyser checks ours; the word blocks use our analysers
    vectorizers = [TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams,
                                   sublinear_tf=True)]
    vectorizers += [TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
                    for analyzer, _ in features.analyzers[1:]]
    reference = sp.hstack([weight * vectorizer.fit(texts).transform(queries)
                           for vectorizer, (_, weight) in zip(vectorizers, features.analyzers,
                                                              strict=True)], format="csr")
    ours = features.transform(queries)
    assert ours.shape == reference.shape
    assert ours.nnz == reference.nnz  # the same grams are found
    assert abs(ours - reference).max() <= 1e-12
    assert abs(ours[: len(texts)] - fitted).max() <= 1e-12
