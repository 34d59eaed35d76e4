import pytest

from tools.evaluation.datasets import OOS, Example
from tools.evaluation.metrics import (
    Prediction,
    confused_pairs,
    macro_f1,
    oos_auroc,
    percentile,
    score,
)


def _p(gold, pred, lang=None, group=None, conf=0.5):
    return Prediction(Example("t", gold, lang, group), pred, conf)


PREDICTIONS = [
    _p("a", "a", "en"), _p("a", "b", "en"), _p("b", "b", "sw"), _p("b", "b", "sw"),
    _p(OOS, OOS, group="id-oos"), _p(OOS, "a", group="id-oos"), _p(OOS, OOS, group="ood-oos"),
    _p("a", OOS, "en"),
]


def test_score_hand_computed_case():
    s = score(PREDICTIONS)
    assert s.count == 8
    assert s.accuracy == pytest.approx(5 / 8)
    assert s.in_scope_accuracy == pytest.approx(3 / 5)
    assert s.oos_recall == pytest.approx(2 / 3)
    assert s.oos_precision == pytest.approx(2 / 3)
    assert s.by_language == {"en": pytest.approx(1 / 3), "sw": 1.0}
    assert s.oos_recall_by_group == {"id-oos": 0.5, "ood-oos": 1.0}


def test_macro_f1_hand_computed_case():
    # a: tp1 fp1 fn2 -> 2/5; b: tp2 fp1 fn0 -> 4/5; oos: tp2 fp1 fn1 -> 4/6
    assert macro_f1(PREDICTIONS) == pytest.approx((2 / 5 + 4 / 5 + 4 / 6) / 3)


def test_score_without_oos_leaves_oos_figures_undefined():
    s = score([_p("a", "a"), _p("b", "a")])
    assert s.oos_recall is None and s.oos_precision is None
    assert s.in_scope_accuracy == 0.5


def test_confused_pairs_most_frequent_first():
    preds = [_p("a", "b"), _p("a", "b"), _p("c", "d"), _p("a", "a")]
    assert confused_pairs(preds) == [("a", "b", 2), ("c", "d", 1)]


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([1, 2, 3, 4, 5], 99) == pytest.approx(4.96)
    assert percentile([], 99) == 0.0


def test_oos_auroc_hand_computed_case():
    preds = [_p("a", "a", conf=0.9), _p("a", "a", conf=0.4), _p(OOS, "a", conf=0.5),
             _p(OOS, OOS, conf=0.8), _p(OOS, "a", conf=0.4)]
    # in-scope 0.9 beats all 3; 0.4 beats -0.8, ties 0.4, loses to 0.5 -> (3 + 1.5) / 6
    assert oos_auroc(preds) == pytest.approx(4.5 / 6)
    assert oos_auroc([_p("a", "a")]) is None
