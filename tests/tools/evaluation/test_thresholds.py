from tools.evaluation.datasets import OOS, Example
from tools.evaluation.metrics import Prediction
from tools.evaluation.thresholds import apply_threshold, tune_threshold


def _p(gold, pred, conf):
    return Prediction(Example("t", gold), pred, conf)


def test_tune_threshold_separates_confident_in_scope_from_oos():
    preds = [_p("a", "a", 0.9), _p("b", "b", 0.8), _p("a", "b", 0.3),
             _p(OOS, "a", 0.2), _p(OOS, "b", 0.4)]
    threshold = tune_threshold(preds)
    assert 0.4 < threshold <= 0.8
    decided = apply_threshold(preds, threshold)
    assert [p.label for p in decided] == ["a", "b", OOS, OOS, OOS]


def test_tune_threshold_without_oos_is_zero():
    assert tune_threshold([_p("a", "a", 0.9), _p("a", "b", 0.1)]) == 0.0


def test_apply_threshold_keeps_confidence_and_oos_predictions():
    preds = apply_threshold([_p("a", OOS, 0.9), _p("a", "a", 0.1)], 0.5)
    assert [(p.label, p.confidence) for p in preds] == [(OOS, 0.9), (OOS, 0.1)]
