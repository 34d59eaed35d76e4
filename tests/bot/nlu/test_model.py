import numpy as np
import pytest
from sklearn.svm import LinearSVC

import bot.nlu.model as model_module
from bot.nlu.model import IntentModel, Ranked, stemmed_words, word_pairs

TOY = {
    "password-reset": [
        "I forgot my password", "how do I reset my password", "cannot remember my password",
        "change my forgotten password", "password reset link", "reset password please",
        "nimesahau password yangu", "nimesahau nenosiri", "jinsi ya kubadilisha password",
        "siwezi kukumbuka nenosiri langu",
    ],
    "passport-fees": [
        "how much is a passport", "passport fees", "what does a passport cost",
        "price of a new passport", "cost of renewing passport", "passport application fee",
        "pasipoti ni bei gani", "ada ya pasipoti", "gharama ya passport ni ngapi",
        "nalipa pesa ngapi kwa pasipoti",
    ],
    "mpesa-paybill": [
        "what is the paybill number", "how to pay with mpesa", "mpesa paybill for ecitizen",
        "pay using m-pesa", "which account number do I use on mpesa", "paybill 222222",
        "nalipa aje na mpesa", "namba ya paybill ni gani", "kulipa kwa mpesa", "lipa na mpesa",
    ],
    "greet": [
        "hello", "hi there", "good morning", "hey", "habari", "mambo", "sasa", "niaje",
        "habari yako", "hujambo",
    ],
}
TEXTS = [t for texts in TOY.values() for t in texts]
LABELS = [label for label, texts in TOY.items() for _ in texts]


@pytest.fixture(scope="module")
def model():
    return IntentModel().fit(TEXTS, LABELS)


@pytest.mark.parametrize(("text", "label"), [
    ("I forgot the password", "password-reset"),
    ("how much do passports cost", "passport-fees"),
    ("nataka kulipa na mpesa", "mpesa-paybill"),
    ("habari za asubuhi", "greet"),
])
def test_rank_unseen_phrasings_top_label(model, text, label):
    assert model.rank(text)[0].label == label


@pytest.mark.parametrize(("text", "label"), [
    ("i forgt my pasword", "password-reset"),
    ("pasport fee", "passport-fees"),
    ("nmesahau pasword", "password-reset"),
    ("mpesaa paybil", "mpesa-paybill"),
])
def test_rank_typos_and_sheng_spellings_still_match(model, text, label):
    assert model.rank(text)[0].label == label


def test_rank_out_of_scope_less_confident_than_in_scope(model):
    inside = model.rank("how do I reset my password")[0].confidence
    outside = model.rank("who won the football match yesterday")[0].confidence
    assert inside > 0.7
    assert outside < inside - 0.3


def test_rank_returns_k_sorted_confidences_in_unit_range(model):
    ranked = model.rank("passport price", k=3)
    assert len(ranked) == 3
    assert all(isinstance(r, Ranked) and 0.0 <= r.confidence <= 1.0 for r in ranked)
    assert [r.confidence for r in ranked] == sorted((r.confidence for r in ranked), reverse=True)
    assert len({r.label for r in ranked}) == 3


def test_rank_example_is_raw_training_text_with_fuzzy_score(model):
    top = model.rank("Nimesahau password yangu!!")[0]
    assert top.example == "nimesahau password yangu"
    assert top.fuzzy == pytest.approx(100.0)


def test_rank_empty_or_punctuation_only_returns_nothing(model):
    assert model.rank("") == []
    assert model.rank(" ?! ") == []


def test_rank_many_matches_rank(model):
    texts = ["hello", "", "lipa na mpesa"]
    assert model.rank_many(texts, k=2) == [model.rank(t, k=2) for t in texts]


def test_labels_sorted_and_complete(model):
    assert list(model.labels) == sorted(TOY)


def test_fit_two_examples_per_label_falls_back_without_calibration():
    m = IntentModel().fit(["reset password", "forgot password", "passport fee", "passport cost"],
                          ["pw", "pw", "pp", "pp"])
    assert m.rank("password forgot")[0].label == "pw"
    assert 0.0 <= m.rank("password forgot")[0].confidence <= 1.0


def test_fit_single_label_ranks_it():
    m = IntentModel().fit(["hello", "hi"], ["greet", "greet"])
    assert [r.label for r in m.rank("hello there")] == ["greet"]


def test_fit_custom_normaliser_is_applied_to_examples_and_queries():
    m = IntentModel(normalise=lambda s: s.lower().replace("pwd", "password"))
    m.fit(TEXTS, LABELS)
    assert m.rank("PWD reset")[0].label == "password-reset"


def test_fit_mismatched_lengths_raises():
    with pytest.raises(ValueError):
        IntentModel().fit(["a"], [])


def test_word_features_stem_and_pair():
    assert stemmed_words("Cards arriving") == ["card", "arriv"]
    assert word_pairs("card arrived card") == ["arriv|card"]


def test_rank_k_beyond_candidates_returns_every_label(model):
    many = IntentModel(candidates=2).fit(TEXTS, LABELS)
    assert len(many.rank("hello", k=4)) == 4
    assert len(many.rank("hello", k=10)) == 4


def test_fit_reusing_calibration_skips_folds_and_keeps_confidences(model):
    quick = IntentModel().fit(TEXTS, LABELS, calibration=model.calibration)
    assert quick.calibration is model.calibration
    assert quick.rank("lipa na mpesa") == model.rank("lipa na mpesa")


# A large knowledge base (more labels than `exact_labels`): one sparse SVM per label.
@pytest.fixture(scope="module")
def sampled():
    return IntentModel(exact_labels=2, neighbours=2, negatives=8).fit(TEXTS, LABELS)


@pytest.mark.parametrize(("text", "label"), [
    ("I forgot the password", "password-reset"),
    ("how much do passports cost", "passport-fees"),
    ("nataka kulipa na mpesa", "mpesa-paybill"),
    ("pasport fee", "passport-fees"),
    ("habari za asubuhi", "greet"),
])
def test_per_label_svms_rank_unseen_phrasings_like_the_exact_model(sampled, text, label):
    assert sampled.rank(text)[0].label == label


def test_per_label_svms_keep_out_of_scope_less_confident(sampled):
    inside = sampled.rank("how do I reset my password")[0].confidence
    outside = sampled.rank("who won the football match yesterday")[0].confidence
    assert outside < inside - 0.3


class CountingSVC(LinearSVC):
    """LinearSVC that counts its fits (how many labels a refit really trains)."""

    fits = 0

    def fit(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        CountingSVC.fits += 1
        return super().fit(*args, **kwargs)


def test_an_edit_to_one_label_refits_only_that_label(sampled, monkeypatch):
    monkeypatch.setattr(model_module, "_linear_svc",
                        lambda params: CountingSVC(C=params["c"], random_state=params["seed"]))
    CountingSVC.fits = 0
    edited = [*TEXTS, "passport ni pesa ngapi siku hizi"]
    quick = IntentModel(exact_labels=2, neighbours=2, negatives=8).fit(
        edited, [*LABELS, "passport-fees"], previous=sampled)
    assert CountingSVC.fits == 1  # no calibration folds, three labels kept as they were
    assert quick.calibration is sampled.calibration
    assert quick.rank("lipa na mpesa")[0].label == "mpesa-paybill"
    assert quick.rank("passport ni pesa ngapi siku hizi")[0].label == "passport-fees"


def test_a_new_label_is_live_after_an_incremental_fit(sampled):
    quick = IntentModel(exact_labels=2, neighbours=2, negatives=8).fit(
        [*TEXTS, "visa ya kenya", "kenya visa application", "apply for a visa"],
        [*LABELS, "visa", "visa", "visa"], previous=sampled)
    assert quick.rank("how do i apply for a kenyan visa")[0].label == "visa"


def test_the_exact_model_ignores_previous_weights_but_reuses_its_calibration(model):
    quick = IntentModel().fit(TEXTS, LABELS, previous=model)
    assert quick.calibration is model.calibration
    assert quick.rank("lipa na mpesa") == model.rank("lipa na mpesa")


def test_top_labels_match_a_full_sort_for_thousands_of_labels():
    decisions = np.random.default_rng(1).normal(size=(3, 5000))
    assert (model_module._top(decisions, 5) == np.argsort(-decisions, axis=1)[:, :5]).all()


def test_rows_by_label_lists_each_labels_examples_in_order():
    rows = model_module._rows_by_label(np.array([2, 0, 2, 1, 0]), 4)
    assert [r.tolist() for r in rows] == [[1, 4], [3], [0, 2], []]


@pytest.mark.parametrize("exact_labels", [250, 2])  # the exact SVM, and one SVM per label
def test_a_fit_asked_to_stop_gives_up(exact_labels):
    with pytest.raises(model_module.FitCancelled):
        IntentModel(exact_labels=exact_labels, neighbours=2, negatives=8).fit(
            TEXTS, LABELS, stop=lambda: True)


def test_calibration_folds_spread_each_label_and_stay_put_when_an_example_is_added() -> None:
    from bot.nlu.model import stable_folds

    texts = [f"question {i} about {label}" for label in ("a", "b", "c") for i in range(7)]
    labels = np.repeat(np.arange(3), 7)
    names = ["a", "b", "c"]
    folds = stable_folds(texts, labels, names, 3)
    for label in range(3):  # stratified: each label in every fold, 2 or 3 examples each
        assert sorted(np.bincount(folds[labels == label], minlength=3)) == [2, 2, 3]
    grown = stable_folds([*texts, "one more question about c"], np.append(labels, 2), names, 3)
    # a shuffled split redrew every fold; only label c's examples may move now
    assert (grown[:14] == folds[:14]).all()
