"""The intent model: rank labels for a text, trained from plain (label, examples) pairs.

Recipe (chosen on train/validation data of public benchmarks, see docs/benchmarks.md):

1. Features: TF-IDF of character 2-5 grams within word boundaries (typos, Sheng spellings,
   Swahili affixes), of word 1-2 grams after light English stemming, and of unordered word
   pairs in the sentence ("card ... arrive"), which a linear model cannot otherwise combine.
2. A linear SVM over those features proposes the candidate labels.
3. Evidence per candidate: its SVM margin, how far it is below the SVM's favourite, and the
   RapidFuzz ratio of that label's nearest training example (absolute and relative to the best
   candidate's). A logistic regression fitted on out-of-fold predictions of the training set,
   with some labels hidden per fold to mimic out-of-scope questions, turns them into
   P(label is right), which ranks the candidates and is the confidence: comparable across
   texts, so one threshold separates "answer" from "out of scope".
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
import Stemmer
from numpy.typing import NDArray
from rapidfuzz import fuzz, process, utils

from bot.nlu.swahili import swahili_stem

Normalise = Callable[[str], str]
FloatArray = NDArray[np.float64]
# The fitted calibrator: feature means and scales, logistic weights and bias.
Calibration = tuple[FloatArray, FloatArray, FloatArray, float]

_TOKEN = re.compile(r"(?u)\b\w+\b")
_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # Snowball's English rules leave most Swahili words alone (no -ing, -ed, -ly endings);
    # those get the Swahili verb stemmer instead.
    stem = str(_STEMMER.stemWord(word))
    return swahili_stem(word) if stem == word else stem


def stemmed_words(text: str) -> list[str]:
    """Return the lower-cased word tokens of `text`, stemmed."""
    return [_stem(w) for w in _TOKEN.findall(text.lower())]


def word_pairs(text: str) -> list[str]:
    """Return every unordered pair of distinct stemmed words in `text`."""
    words = sorted(set(stemmed_words(text)))
    return [f"{a}|{b}" for a, b in itertools.combinations(words, 2)]


@dataclass(frozen=True, slots=True)
class Ranked:
    """A label with its confidence (0..1) and the training example closest to the text."""

    label: str
    confidence: float
    example: str | None = None
    fuzzy: float = 0.0


class _Features:
    """The weighted union of character, word and word-pair TF-IDF blocks.

    scikit-learn learns the vocabularies and IDF weights; `transform` recomputes the same
    sublinear, L2-normalised TF-IDF itself, because the library's input checks cost more than
    the arithmetic when one short question is ranked.
    """

    def __init__(self, char_ngrams: tuple[int, int], pair_weight: float) -> None:
        # Our own analysers, not scikit-learn's: a stored model then loads without importing
        # scikit-learn (over a second of a worker's start-up).
        self.analyzers: list[tuple[Callable[[str], list[str]], float]] = [
            (partial(char_wb_ngrams, ngram_range=char_ngrams), 1.0), (_word_ngrams, 1.0)]
        if pair_weight > 0:
            self.analyzers.append((word_pairs, pair_weight))
        self._blocks: list[tuple[Callable[[str], list[str]], dict[str, int], FloatArray, float]]
        self.size = 0

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Learn the vocabularies and return the matrix of `texts`."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._blocks, offset, parts = [], 0, []
        self.word_span = (0, 0)  # the columns of the word n-grams, which find near labels
        for number, (analyzer, weight) in enumerate(self.analyzers):
            vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
            try:
                parts.append(weight * vectorizer.fit_transform(texts))
            except ValueError:  # nothing to learn, e.g. no sentence has two words
                continue
            vocabulary = {g: int(j) + offset for g, j in vectorizer.vocabulary_.items()}
            idf = np.zeros(offset + len(vocabulary))
            idf[offset:] = vectorizer.idf_
            self._blocks.append((analyzer, vocabulary, idf, weight))
            if number == 1:
                self.word_span = (offset, offset + len(vocabulary))
            offset += len(vocabulary)
        self.size = offset
        # Same numbers as `transform(texts)`, without analysing every text a second time.
        return sp.hstack(parts, format="csr")

    def row(self, text: str) -> tuple[NDArray[np.int64], FloatArray]:
        """Return the columns and values of one text's row, in the matrix's order."""
        indices, values = [], []
        for analyze, vocabulary, idf, weight in self._blocks:
            counts = Counter(map(vocabulary.get, analyze(text)))  # C loops, not a generator
            counts.pop(None, None)  # n-grams the model never saw
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tfidf = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64,
                                              count=len(counts)))) * idf[columns]
            indices.append(columns)
            values.append(weight * tfidf / np.sqrt(tfidf @ tfidf))
        if not indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(indices), np.concatenate(values)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return the matrix of `texts`."""
        rows = [self.row(text) for text in texts]
        indptr = np.cumsum([0, *(len(cols) for cols, _ in rows)])
        data = np.concatenate([values for _, values in rows]) if rows else np.zeros(0)
        cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        return sp.csr_matrix((data, cols, indptr), shape=(len(texts), self.size))


_WHITE_SPACES = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Return the character n-grams inside word boundaries, as scikit-learn's `char_wb`."""
    low, high = ngram_range
    grams: list[str] = []
    append = grams.append
    for word in _WHITE_SPACES.sub(" ", text.lower()).split():
        word = f" {word} "
        size = len(word)
        for n in range(low, high + 1):
            offset = 0
            append(word[:n])
            while offset + n < size:
                offset += 1
                append(word[offset:offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return grams


def _word_ngrams(text: str) -> list[str]:
    """Return stemmed word unigrams and bigrams."""
    words = stemmed_words(text)
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


class FitCancelled(Exception):
    """The fit was asked to stop (the worker is shutting down); nothing was swapped in."""


def _never() -> bool:
    return False


class _Scorer:
    """Per-label decision values and the nearest-example evidence for candidate labels.

    Up to `exact_labels` labels, one-vs-rest linear SVMs learn from every example (dense
    weights, the best understanding, but time and memory grow with labels times examples).
    Above it, each label's SVM learns from its own examples against a sample of the others
    and every example of its nearest labels (sparse weights), so a knowledge base ten times
    larger costs about ten times more, not a hundred.
    """

    def __init__(self, features: _Features, matrix: sp.csr_matrix, texts: Sequence[str],
                 labels: NDArray[np.int64], n_labels: int, params: dict[str, Any],
                 shown: Sequence[str] | None = None, *, sampled: bool | None = None,
                 previous: _Scorer | None = None, unchanged: dict[int, int] | None = None,
                 stop: Callable[[], bool] = _never) -> None:
        self.features = features
        self.n_labels = n_labels
        present = np.unique(labels)
        self.sampled = len(present) > params["exact_labels"] if sampled is None else sampled
        self.single = len(present) < 2
        self.rows = _rows_by_label(labels, n_labels)
        if self.sampled and not self.single:
            self.weights, self.intercept = _sampled_weights(
                features, matrix, labels, self.rows, params, previous, unchanged or {}, stop)
        elif not self.single:
            svm = _linear_svc(params).fit(matrix, labels)
            # Only the weights are kept (transposed for the product), not the estimator: it
            # would hold a second copy of them, the largest part of the model in memory.
            self.coef = np.ascontiguousarray(svm.coef_.T)
            self.intercept = svm.intercept_
            self.classes = svm.classes_
        # Fuzzy choices are processed once here rather than on every call.
        self.choices = [[utils.default_process(texts[int(j)]) for j in r] for r in self.rows]
        self.shown = [[(shown or texts)[int(j)] for j in r] for r in self.rows]
        self.sizes = np.array([len(r) for r in self.rows], dtype=np.int64)
        self.candidates = params["candidates"]

    def decisions(self, matrix: sp.csr_matrix) -> FloatArray:
        """Return the SVM decision value of every label (absent labels get -inf)."""
        out = np.full((matrix.shape[0], self.n_labels), -np.inf)
        if self.single:
            out[:, [i for i, r in enumerate(self.rows) if len(r)]] = 1.0
            return out
        if self.sampled:
            scores = (matrix @ self.weights).toarray() + self.intercept
            trained = np.isfinite(self.intercept)
            out[:, trained] = scores[:, trained]
            return out
        return self._dense(np.asarray(matrix @ self.coef))

    def _dense(self, products: FloatArray) -> FloatArray:
        """Return the decisions of the dense weights' products (one row per text)."""
        scores = products + self.intercept
        if len(self.classes) == 2:
            scores = np.column_stack([-scores[:, 0], scores[:, 0]])
        out = np.full((len(scores), self.n_labels), -np.inf)
        out[:, self.classes] = scores
        return out

    def row_decisions(self, texts: Sequence[str]) -> FloatArray:
        """Return `decisions` of texts, with dense weights, without building a sparse matrix.

        scipy's checks building a one-row matrix cost more than the product. The sum runs
        over the row's values in order, as scipy's does, so the numbers are the same.
        """
        products = np.zeros((len(texts), self.coef.shape[1]))
        for i, text in enumerate(texts):
            cols, values = self.features.row(text)
            if len(cols):
                products[i] = (values[:, None] * self.coef[cols]).sum(axis=0)
        return self._dense(products)

    def evidence(self, texts: Sequence[str], matrix: sp.csr_matrix | None = None,
                 at_least: int = 0) -> tuple[FloatArray, NDArray[np.int64], Any]:
        """Return candidate features (n, m, f), candidate labels (n, m) and nearest examples."""
        if matrix is None and not (self.sampled or self.single):
            decisions = self.row_decisions(texts)
        else:
            decisions = self.decisions(matrix if matrix is not None
                                       else self.features.transform(texts))
        m = min(max(self.candidates, at_least), int(np.isfinite(decisions[0]).sum()))
        order = _top(decisions, m)
        feats = np.zeros((len(texts), m, 4))
        nearest: list[list[tuple[str, float]]] = []
        for i, text in enumerate(texts):
            # one fuzzy pass over every candidate's examples, then each candidate's best (the
            # first of equals, as argmax), found for all candidates at once
            labels = order[i]
            examples = list(itertools.chain.from_iterable([self.choices[j] for j in labels]))
            ratios = process.cdist([utils.default_process(text)], examples, scorer=fuzz.ratio,
                                   processor=None, dtype=np.float32)[0]
            sizes = self.sizes[labels]
            starts = np.cumsum(sizes) - sizes
            best = np.maximum.reduceat(ratios, starts)
            equal = np.flatnonzero(ratios == np.repeat(best, sizes))
            first = equal[np.searchsorted(equal, starts)] - starts
            feats[i, :, 0] = decisions[i, labels]
            feats[i, :, 1] = best / np.float32(100)  # float32, as the model was fitted
            nearest.append([(self.shown[j][k], ratio) for j, k, ratio in zip(
                labels.tolist(), first.tolist(), best.tolist(), strict=True)])
        top = feats[:, :1, :]
        feats[:, :, 2] = top[:, :, 0] - feats[:, :, 0]  # how far below the SVM's favourite
        feats[:, :, 3] = feats[:, :, 1] - feats[:, :, 1].max(axis=1, keepdims=True)
        return feats, order, nearest


def _linear_svc(params: dict[str, Any]) -> Any:
    """Return an unfitted linear SVM (scikit-learn is imported only when a model is fitted)."""
    from sklearn.svm import LinearSVC

    return LinearSVC(C=params["c"], random_state=params["seed"])


def _rows_by_label(labels: NDArray[np.int64], n_labels: int) -> list[NDArray[np.int64]]:
    """Return the row numbers of each label's examples (one sort, not one scan per label)."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n_labels + 1))
    return [order[bounds[i]:bounds[i + 1]] for i in range(n_labels)]


def _hash(text: str) -> int:
    """Return a hash of `text` that is the same in every process (unlike `hash`)."""
    return zlib.crc32(text.encode())


def stable_folds(texts: Sequence[str], labels: NDArray[np.int64], names: Sequence[str],
                 folds: int) -> NDArray[np.int64]:
    """Return each example's calibration fold, drawn from its text, not from its position.

    Each label's examples, in the order of their texts' hashes, are dealt to the folds in
    turn from a place its name's hash picks: every label is spread over the folds (as a
    stratified split), and an example added or taken out moves only examples of its own
    label, not every fold of the knowledge base. With a shuffled split, one new example
    redrew all the folds and moved the calibrated confidences of unrelated questions.
    """
    out = np.zeros(len(texts), dtype=np.int64)
    for label, rows in enumerate(_rows_by_label(labels, len(names))):
        ordered = sorted(rows.tolist(), key=lambda i: (_hash(texts[i]), i))
        start = _hash(names[label]) % folds
        for rank, i in enumerate(ordered):
            out[i] = (start + rank) % folds
    return out


def _top(decisions: FloatArray, m: int) -> NDArray[np.int64]:
    """Return the `m` best labels of each row, best first."""
    if decisions.shape[1] <= 4 * m + 256:
        return np.argsort(-decisions, axis=1)[:, :m]
    # sorting thousands of labels to keep five costs more than the rest of the ranking
    part = np.argpartition(-decisions, m - 1, axis=1)[:, :m]
    inner = np.argsort(-np.take_along_axis(decisions, part, axis=1), axis=1)
    return np.take_along_axis(part, inner, axis=1)


def _nearest_labels(features: _Features, matrix: sp.csr_matrix, labels: NDArray[np.int64],
                    n_labels: int, k: int) -> list[NDArray[np.int64]]:
    """Return, for each label, the `k` labels whose examples share most of its rarer words.

    Words most labels use ("how", "my") say nothing about which labels are confused, and
    leaving them out keeps the label-by-label product sparse.
    """
    start, end = features.word_span
    words = matrix[:, start:end] if end > start else matrix
    examples = len(labels)
    centroids = sp.csr_matrix((np.ones(examples), (labels, np.arange(examples))),
                              shape=(n_labels, examples)) @ words
    centroids.data[:] = 1.0
    spread = np.bincount(centroids.indices, minlength=centroids.shape[1])
    rare = (spread <= max(50, n_labels // 20)) / np.sqrt(np.maximum(spread, 1))
    centroids = sp.csr_matrix(centroids @ sp.diags(rare))
    centroids.eliminate_zeros()
    transposed = centroids.T.tocsr()
    near: list[NDArray[np.int64]] = []
    for begin in range(0, n_labels, 1024):
        shared = sp.csr_matrix(centroids[begin:begin + 1024] @ transposed)
        for i in range(shared.shape[0]):
            cols = shared.indices[shared.indptr[i]:shared.indptr[i + 1]]
            vals = shared.data[shared.indptr[i]:shared.indptr[i + 1]]
            keep = cols != begin + i
            cols, vals = cols[keep], vals[keep]
            if len(cols) > k:
                best = np.argpartition(-vals, k - 1)[:k]
                cols = cols[best]
            near.append(cols.astype(np.int64))
    return near


def _sampled_weights(features: _Features, matrix: sp.csr_matrix, labels: NDArray[np.int64],
                     rows: list[NDArray[np.int64]], params: dict[str, Any],
                     previous: _Scorer | None,
                     unchanged: dict[int, int], stop: Callable[[], bool] = _never
                     ) -> tuple[sp.csr_matrix, FloatArray]:
    """Fit one binary SVM per label against its nearest labels and a sample of the rest.

    `rows` are each label's example rows. Returns sparse weights (features x labels) and
    intercepts (-inf for labels without examples). Labels in `unchanged` (new index -> index
    in `previous`) keep their weights.
    """
    rng = np.random.default_rng(params["seed"])
    n_labels = len(rows)
    near = _nearest_labels(features, matrix, labels, n_labels, params["neighbours"])
    old = previous.weights.tocsc() if previous is not None and unchanged else None
    intercept = np.full(n_labels, -np.inf)
    columns: list[NDArray[np.int64]] = []
    values: list[NDArray[np.float64]] = []
    owners: list[NDArray[np.int64]] = []
    for label in range(n_labels):
        if stop():  # minutes at thousands of labels: a worker shutting down must not wait
            raise FitCancelled
        positive = rows[label]
        if not len(positive):
            continue
        if old is not None and previous is not None and (was := unchanged.get(label)) is not None:
            column = old[:, was]
            columns.append(column.indices.astype(np.int64))
            values.append(column.data)
            intercept[label] = previous.intercept[was]
        else:
            sample = rng.integers(0, matrix.shape[0], params["negatives"])
            chosen = np.unique(np.concatenate([positive, sample, *(rows[j] for j in near[label])]))
            sub = matrix[chosen]
            # liblinear sees only the features these examples use: a short weight vector
            used, local = np.unique(sub.indices, return_inverse=True)
            sub = sp.csr_matrix((sub.data, local, sub.indptr), shape=(len(chosen), len(used)))
            target = labels[chosen] == label
            if target.all():
                intercept[label] = 1.0
                columns.append(np.zeros(0, dtype=np.int64))
                values.append(np.zeros(0))
            else:
                svm = _linear_svc(params).fit(sub, target)
                weights = svm.coef_[0]
                keep = np.flatnonzero(weights)
                if len(keep) > params["max_weights"]:
                    keep = np.argpartition(-np.abs(weights), params["max_weights"] - 1)[
                        :params["max_weights"]]
                columns.append(used[keep].astype(np.int64))
                values.append(weights[keep])
                intercept[label] = float(svm.intercept_[0])
        owners.append(np.full(len(columns[-1]), label, dtype=np.int64))
    weights = sp.csr_matrix(
        (np.concatenate(values),
         (np.concatenate(columns), np.concatenate(owners))),
        shape=(features.size, n_labels))
    return weights, intercept


def _unchanged_labels(old: _Scorer, old_labels: Sequence[str], new_labels: Sequence[str],
                      texts: Sequence[str], y: NDArray[np.int64]) -> dict[int, int]:
    """Map each label whose examples are exactly as before to its index in the old model."""
    was = {label: i for i, label in enumerate(old_labels)}
    rows = _rows_by_label(y, len(new_labels))
    same: dict[int, int] = {}
    for i, label in enumerate(new_labels):
        j = was.get(label)
        if j is not None and old.choices[j] == [utils.default_process(texts[int(r)])
                                                for r in rows[i]]:
            same[i] = j
    return same


class IntentModel:
    """Linear SVM over character, word and word-pair TF-IDF, re-ranked with RapidFuzz evidence.

    The SVM generalises from many phrasings; the RapidFuzz ratio of each candidate label's nearest
    example adds evidence for short, misspelled questions close to one written example. A
    calibrator fitted on cross-validated predictions blends them into P(right label).
    """

    def __init__(self, normalise: Normalise | None = None, *, c: float = 0.5,
                 char_ngrams: tuple[int, int] = (2, 5), pair_weight: float = 1.0,
                 candidates: int = 5, calibration_folds: int = 3, hidden_share: float = 0.2,
                 rerank: bool = True, exact_labels: int = 250, neighbours: int = 20,
                 negatives: int = 400, max_weights: int = 1000, calibration_labels: int = 250,
                 seed: int = 0) -> None:
        self._normalise = normalise or utils.default_process
        # Above `exact_labels` labels, each label's SVM sees its `neighbours` nearest labels and
        # `negatives` other examples and keeps its `max_weights` largest weights; the
        # calibrator then learns from `calibration_labels` labels drawn at random.
        self._params: dict[str, Any] = {"c": c, "char_ngrams": char_ngrams,
                                        "pair_weight": pair_weight, "candidates": candidates,
                                        "exact_labels": exact_labels, "neighbours": neighbours,
                                        "negatives": negatives, "max_weights": max_weights,
                                        "calibration_labels": calibration_labels, "seed": seed}
        self._folds = calibration_folds
        self._rerank = rerank
        self._hidden_share = hidden_share
        self._seed = seed
        self._labels: list[str] = []
        self._scorer: _Scorer

    def fit(self, texts: Sequence[str], labels: Sequence[str], *,
            calibration: Calibration | None = None, previous: IntentModel | None = None,
            stop: Callable[[], bool] | None = None) -> Self:
        """Learn from example texts and their labels.

        `calibration` (another model's `calibration`) skips the calibration folds: the
        calibrator maps label-independent evidence to P(right), so a model refitted on slightly
        changed examples can reuse it for a fast provisional fit. `previous` (the live model)
        goes further on a large knowledge base: its vocabulary and the weights of every label
        whose examples did not change are kept, so an edit to one article refits one label.
        `stop` is asked between labels and calibration folds; True raises FitCancelled.
        """
        if len(texts) != len(labels) or not texts:
            raise ValueError("texts and labels must be non-empty and of equal length")
        stop = stop or _never
        if previous is not None and calibration is None:
            calibration = previous.calibration
        self._labels = sorted(set(labels))
        index = {label: i for i, label in enumerate(self._labels)}
        normalised = [self._normalise(t) for t in texts]
        y = np.array([index[label] for label in labels], dtype=np.int64)
        old = previous._scorer if previous is not None and previous.labels else None
        if (old is not None and old.sampled and calibration is not None
                and previous is not None and previous.settings() == self.settings()):
            features = old.features  # words new to the vocabulary wait for the full refit
            matrix = features.transform(normalised)
            unchanged = _unchanged_labels(old, previous.labels, self._labels, normalised, y)
        else:
            features = _Features(self._params["char_ngrams"], self._params["pair_weight"])
            matrix = features.fit_transform(normalised)
            old, unchanged = None, {}
        self._scorer = _Scorer(features, matrix, normalised, y, len(self._labels), self._params,
                               shown=list(texts), previous=old, unchanged=unchanged, stop=stop)
        self._calibrator = (calibration if calibration is not None
                            else self._fit_calibrator(features, matrix, normalised, y, stop))
        return self

    def settings(self) -> dict[str, Any]:
        """Return the hyper-parameters that shape a fit (part of a stored model's name)."""
        return {**self._params, "folds": self._folds, "rerank": self._rerank,
                "hidden_share": self._hidden_share}

    def normalised(self, text: str) -> str:
        """Return `text` as the model sees it."""
        return self._normalise(text)

    def state(self) -> dict[str, Any]:
        """Return the fitted state, without the normaliser (rebuilt from the knowledge)."""
        return {k: v for k, v in vars(self).items() if k != "_normalise"}

    def restored(self, state: dict[str, Any]) -> Self:
        """Take on a fitted state saved by `state`, keeping this model's normaliser."""
        vars(self).update({k: v for k, v in state.items() if k != "_normalise"})
        return self

    @property
    def calibration(self) -> Calibration | None:
        """Return the fitted calibrator (None when the data was too thin), for `fit` to reuse."""
        return self._calibrator

    def _fit_calibrator(self, features: _Features, matrix: sp.csr_matrix, texts: list[str],
                        y: NDArray[np.int64], stop: Callable[[], bool] = _never
                        ) -> Calibration | None:
        """Fit P(candidate is right) on out-of-fold evidence; None when data is too thin.

        Each fold also hides a share of the labels from its model: their held-out questions
        then have no right candidate, as out-of-scope questions, so the calibrator learns
        what weak evidence looks like even when the training data has no OOS examples.
        """
        n_labels = len(self._labels)
        sampled = self._scorer.sampled
        names = list(self._labels)
        if sampled and n_labels > self._params["calibration_labels"]:
            # the calibrator learns label-independent evidence: a sample of labels teaches it
            # as well as all of them, at a fixed cost however large the knowledge base grows
            rng = np.random.default_rng(self._seed)
            picked = np.sort(rng.choice(n_labels, self._params["calibration_labels"],
                                        replace=False))
            local = np.full(n_labels, -1)
            local[picked] = np.arange(len(picked))
            keep = np.flatnonzero(local[y] >= 0)
            matrix, texts, y = matrix[keep], [texts[i] for i in keep], local[y[keep]]
            names = [names[i] for i in picked]
            n_labels = len(picked)
        if n_labels < 2 or len(texts) < 2 * self._folds:
            return None
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        folds = stable_folds(texts, y, names, self._folds)
        # labels hidden in turn, in the order of their names' hashes (see stable_folds)
        shuffled = np.argsort([_hash(name) for name in names], kind="stable")
        hide = round(self._hidden_share * n_labels) if n_labels >= 3 else 0
        feats, hits = [], []
        for fold in range(self._folds):
            if stop():
                raise FitCancelled
            held, train = np.flatnonzero(folds == fold), np.flatnonzero(folds != fold)
            if not len(held):
                continue
            hidden = np.roll(shuffled, -fold * hide)[:hide]
            train = train[~np.isin(y[train], hidden)]
            # The vocabulary and IDF come from all texts: no labels leak through them.
            scorer = _Scorer(features, matrix[train], [texts[i] for i in train], y[train],
                             n_labels, self._params, sampled=sampled, stop=stop)
            f, order, _ = scorer.evidence([texts[i] for i in held], matrix[held])
            feats.append(f.reshape(-1, f.shape[2]))
            hits.append((order == y[held][:, None]).reshape(-1))
        target = np.concatenate(hits)
        if target.all() or not target.any():
            return None
        scaler = StandardScaler().fit(np.concatenate(feats))
        model = LogisticRegression(C=1.0, max_iter=1000)
        model.fit(scaler.transform(np.concatenate(feats)), target)
        return scaler.mean_, scaler.scale_, model.coef_[0], float(model.intercept_[0])

    @property
    def labels(self) -> Sequence[str]:
        """Return the labels the model knows."""
        return self._labels

    def confidences(self, texts: Sequence[str], k: int = 0
                    ) -> tuple[FloatArray, NDArray[np.int64], Any]:
        """Return P(right) per candidate (n, m >= k), the candidate labels and nearest examples."""
        feats, order, nearest = self._scorer.evidence(texts, at_least=k)
        if self._calibrator is None:
            probs = 1.0 / (1.0 + np.exp(-2.0 * feats[:, :, 0]))
        else:
            mean, scale, weights, bias = self._calibrator
            logits = ((feats - mean) / scale) @ weights + bias
            probs = 1.0 / (1.0 + np.exp(-logits))
        return probs, order, nearest

    def rank_many(self, texts: Sequence[str], k: int = 5) -> list[list[Ranked]]:
        """Rank labels for several texts at once (faster than one `rank` call each)."""
        normalised = [self._normalise(t) for t in texts]
        keep = [i for i, t in enumerate(normalised) if t]
        out: list[list[Ranked]] = [[] for _ in texts]
        if not keep:
            return out
        probs, order, nearest = self.confidences([normalised[i] for i in keep], k)
        for row, i in enumerate(keep):
            best = (np.argsort(-probs[row], kind="stable") if self._rerank
                    else np.arange(probs.shape[1]))[:k]
            out[i] = [Ranked(self._labels[order[row, j]], float(probs[row, j]),
                             nearest[row][j][0], nearest[row][j][1]) for j in best]
        return out

    def rank(self, text: str, k: int = 5) -> list[Ranked]:
        """Return the `k` best labels for `text`, best first."""
        return self.rank_many([text], k)[0]
