"""Score predictions: accuracy, per language, out-of-scope recall and precision, confusions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from tools.evaluation.datasets import OOS, Example


@dataclass(frozen=True, slots=True)
class Prediction:
    """The label a system gave one example (OOS when it declined) and its confidence."""

    example: Example
    label: str
    confidence: float = 0.0

    @property
    def correct(self) -> bool:
        """Return whether the predicted label is the expected one."""
        return self.label == self.example.label


@dataclass(frozen=True, slots=True)
class Scores:
    """Summary figures for one system on one test set; ratios are 0..1, None when undefined."""

    count: int
    accuracy: float
    in_scope_accuracy: float | None
    oos_recall: float | None
    oos_precision: float | None
    macro_f1: float
    by_language: dict[str, float] = field(default_factory=dict)
    oos_recall_by_group: dict[str, float] = field(default_factory=dict)
    confusions: list[tuple[str, str, int]] = field(default_factory=list)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def macro_f1(predictions: Sequence[Prediction]) -> float:
    """Return the unweighted mean F1 over every expected label (OOS included when present)."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for p in predictions:
        if p.correct:
            tp[p.label] += 1
        else:
            fp[p.label] += 1
            fn[p.example.label] += 1
    gold = {p.example.label for p in predictions}
    if not gold:
        return 0.0
    total = 0.0
    for label in gold:
        denominator = 2 * tp[label] + fp[label] + fn[label]
        total += 2 * tp[label] / denominator if denominator else 0.0
    return total / len(gold)


def confused_pairs(predictions: Sequence[Prediction], top: int = 10) -> list[tuple[str, str, int]]:
    """Return the most frequent (expected, predicted, count) mistakes, most frequent first."""
    counts = Counter((p.example.label, p.label) for p in predictions if not p.correct)
    return [(gold, pred, n) for (gold, pred), n in
            sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]]


def score(predictions: Sequence[Prediction]) -> Scores:
    """Compute every summary figure for `predictions`."""
    in_scope = [p for p in predictions if not p.example.is_oos]
    oos = [p for p in predictions if p.example.is_oos]
    said_oos = [p for p in predictions if p.label == OOS]
    by_language: dict[str, list[bool]] = defaultdict(list)
    by_group: dict[str, list[bool]] = defaultdict(list)
    for p in predictions:
        if p.example.language:
            by_language[p.example.language].append(p.correct)
        if p.example.is_oos and p.example.group:
            by_group[p.example.group].append(p.correct)
    return Scores(
        count=len(predictions),
        accuracy=_ratio(sum(p.correct for p in predictions), len(predictions)) or 0.0,
        in_scope_accuracy=_ratio(sum(p.correct for p in in_scope), len(in_scope)),
        oos_recall=_ratio(sum(p.correct for p in oos), len(oos)),
        oos_precision=_ratio(sum(p.example.is_oos for p in said_oos), len(said_oos))
        if oos else None,
        macro_f1=macro_f1(predictions),
        by_language={k: sum(v) / len(v) for k, v in sorted(by_language.items())},
        oos_recall_by_group={k: sum(v) / len(v) for k, v in sorted(by_group.items())},
        confusions=confused_pairs(predictions),
    )


def oos_auroc(predictions: Sequence[Prediction]) -> float | None:
    """Return the probability that an in-scope example gets more confidence than an OOS one.

    A prediction of the OOS label counts as negative confidence. Threshold-free, so it compares
    how well systems separate in-scope from out-of-scope whatever operating point is chosen.
    """
    def signed(p: Prediction) -> float:
        return -p.confidence if p.label == OOS else p.confidence

    positives = sorted(signed(p) for p in predictions if not p.example.is_oos)
    negatives = sorted(signed(p) for p in predictions if p.example.is_oos)
    if not positives or not negatives:
        return None
    wins, low, high = 0.0, 0, 0
    for value in positives:  # count negatives below (and tied with) each positive
        while low < len(negatives) and negatives[low] < value:
            low += 1
        high = max(high, low)
        while high < len(negatives) and negatives[high] <= value:
            high += 1
        wins += low + 0.5 * (high - low)
    return wins / (len(positives) * len(negatives))


def percentile(values: Sequence[float], q: float) -> float:
    """Return the `q`-th percentile (0..100) of `values` by linear interpolation."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
