import json
from pathlib import Path

import pytest

from tools.evaluation import datasets
from tools.evaluation.datasets import OOS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "benchmarks"


def test_load_clinc150_fixture_marks_oos_in_every_split():
    ds = datasets.load("clinc150", FIXTURES)
    assert (len(ds.train), len(ds.validation), len(ds.test)) == (16, 5, 9)
    assert [e.text for e in ds.test if e.is_oos] == [
        "book a flight to paris", "how tall is mount kenya", "tell me a joke"]
    assert all(e.label == OOS and e.group == "oos" for e in ds.test if e.is_oos)
    assert ds.has_oos


def test_load_banking77_fixture_reads_quoted_commas_and_has_no_validation():
    ds = datasets.load("banking77", FIXTURES)
    assert ("hello, how are you", "greeting") in [(e.text, e.label) for e in ds.train]
    assert ds.validation == ()
    assert not ds.has_oos


def test_load_banking77_oos_fixture_groups_in_domain_and_out_of_domain():
    ds = datasets.load("banking77-oos", FIXTURES)
    assert {e.label for e in ds.train} == {"balance", "lost_card", OOS}
    groups = [e.group for e in ds.test if e.is_oos]
    assert groups.count("id-oos") == 2
    assert groups.count("ood-oos") == 4


@pytest.mark.parametrize("name", ["clinc-banking", "clinc-credit_cards"])
def test_load_single_domain_fixture_has_no_train_oos(name):
    ds = datasets.load(name, FIXTURES)
    assert not any(e.is_oos for e in ds.train)
    assert {e.group for e in ds.validation if e.is_oos} == {"id-oos", "ood-oos"}


def test_load_hwu64_and_massive_fixtures_label_languages():
    assert len(datasets.load("hwu64", FIXTURES).train) == 15
    assert len(datasets.load("hwu64-10shot", FIXTURES).train) == 6
    en = datasets.load("massive-en-US", FIXTURES)
    sw = datasets.load("massive-sw-KE", FIXTURES)
    assert {e.language for e in en.test} == {"en"}
    assert {e.language for e in sw.train} == {"sw"}
    assert sw.train[0].text == "salio langu ni ngapi"


def test_load_injongo_fixture_is_test_only_with_folds():
    ds = datasets.load("injongo-sw", FIXTURES)
    assert ds.train == () and len(ds.test) == 24 and ds.folds == 5


def test_load_unknown_dataset_raises():
    with pytest.raises(ValueError, match="unknown dataset"):
        datasets.load("nope", FIXTURES)


def test_read_seq_dir_misaligned_files_raises(tmp_path):
    (tmp_path / "seq.in").write_text("a\nb\n")
    (tmp_path / "label").write_text("x\n")
    with pytest.raises(ValueError, match="2 utterances but 1 labels"):
        datasets.read_seq_dir(tmp_path)


def test_load_expectations_maps_out_of_scope_and_languages(tmp_path):
    path = tmp_path / "cases.jsonl"
    rows = [{"text": "nimesahau password", "expected": "password-reset", "lang": "sw"},
            {"text": "who won the match", "expected": "out_of_scope"}, {}]
    path.write_text("\n".join(json.dumps(r) for r in rows[:2]) + "\n\n")
    cases = datasets.load_expectations(path)
    assert [(c.label, c.language, c.is_oos) for c in cases] == [
        ("password-reset", "sw", False), (OOS, None, True)]
    path.write_text(json.dumps({"text": "x"}) + "\n")
    with pytest.raises(ValueError, match=r"cases\.jsonl:1"):
        datasets.load_expectations(path)
