"""A worker starting on a knowledge version seen before loads what was derived from it.

What is kept is named by a digest of the loaded knowledge (bot/knowledge/fingerprint.py), so
whatever the folder is made of, other content is never answered from an older derivation.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from bot.core.vocabulary import DEFAULT_FILE, use_vocabulary, vocabulary
from bot.knowledge.fingerprint import knowledge_digest
from bot.knowledge.live import LiveKnowledge
from bot.knowledge.loader import load_knowledge, load_vocabulary
from bot.nlu import matcher as matcher_module
from bot.nlu.model_store import ModelStore
from tests.conftest import FIXTURES, REPO

KEY = b"k" * 32
# questions that exercise the model, the coverage check and the services handled elsewhere
QUESTIONS = ("how much is a passport", "nimepoteza kitambulisho changu", "lipa na mpesa",
             "how do I get a fishing licence", "tax refund from kra", "hello",
             "where do I collect my passport", "nataka kurudishiwa kodi",
             "how do I renew my zebra permit")
NEW_QUESTION = "how do I renew my zebra permit"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", root)
    shutil.copy(REPO / "knowledge" / "elsewhere.yaml", root)  # services handled elsewhere
    return root


def _parses(live: LiveKnowledge) -> list[object]:
    return [live.matcher.parse(q) for q in QUESTIONS]


def _fresh(root: Path) -> LiveKnowledge:
    """Build from scratch, without a model folder."""
    return LiveKnowledge(root)


def _store(tmp_path: Path) -> ModelStore:
    return ModelStore(tmp_path / "models", KEY)


def _add_question(root: Path) -> None:
    article = next((root / "faq").glob("mpesa-paybill.en.md"))
    text = article.read_text()
    article.write_text(text.replace("questions:\n", f"questions:\n  - {NEW_QUESTION}\n", 1))


def test_the_questions_reach_every_part_of_the_derived_state(knowledge: Path) -> None:
    parses = _parses(_fresh(knowledge))
    assert any(p.elsewhere for p in parses)  # a service handled elsewhere
    assert any(s.uncovered for p in parses for s in p.ranking)  # coverage's uncovered words


def test_a_second_start_restores_exactly_what_a_fresh_build_derives(
        knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = LiveKnowledge(knowledge, models=_store(tmp_path))
    assert not first.matcher.restored
    assert len(list((tmp_path / "models").glob("*.derived"))) == 1

    def rebuilt(*_: object, **__: object) -> None:
        pytest.fail("a restored start built its coverage or index again")

    monkeypatch.setattr(matcher_module.Coverage, "__init__", rebuilt)
    monkeypatch.setattr(matcher_module.ElsewhereIndex, "__init__", rebuilt)
    second = LiveKnowledge(knowledge, models=_store(tmp_path))
    monkeypatch.undo()
    fresh = _fresh(knowledge)
    assert second.matcher.restored
    assert second.matcher.coverage.state() == fresh.matcher.coverage.state()
    assert second.matcher.elsewhere.state() == fresh.matcher.elsewhere.state()
    restored, built = second.matcher.model._scorer, fresh.matcher.model._scorer
    assert np.array_equal(restored.coef, built.coef)
    assert _parses(second) == _parses(first) == _parses(fresh)


def test_an_edited_article_is_derived_again(knowledge: Path, tmp_path: Path) -> None:
    LiveKnowledge(knowledge, models=_store(tmp_path))
    _add_question(knowledge)
    edited = LiveKnowledge(knowledge, models=_store(tmp_path))
    assert not edited.matcher.restored
    assert _parses(edited) == _parses(_fresh(knowledge))


def test_a_full_refit_after_an_edit_serves_the_edit(knowledge: Path, tmp_path: Path) -> None:
    live = LiveKnowledge(knowledge, models=_store(tmp_path))
    _add_question(knowledge)
    live.reload(quick=True)
    live.reload()
    assert live.matcher.parse(NEW_QUESTION).ranking[0].name == "mpesa-paybill"
    assert _parses(live) == _parses(_fresh(knowledge))


def test_a_symlinked_faq_folder_edited_elsewhere_is_derived_again(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "knowledge", content)
    root = tmp_path / "knowledge"
    root.mkdir()
    for entry in content.iterdir():
        (root / entry.name).symlink_to(entry)
    LiveKnowledge(root, models=_store(tmp_path))
    _add_question(content)
    again = LiveKnowledge(root, models=_store(tmp_path))
    assert not again.matcher.restored
    assert again.matcher.parse(NEW_QUESTION).ranking[0].name == "mpesa-paybill"


def test_a_hidden_intent_file_edited_is_derived_again(knowledge: Path, tmp_path: Path) -> None:
    hidden = knowledge / "intents" / ".extra.en.yaml"
    hidden.write_text("intent: check_status\nlanguage: en\nexamples:\n  - where is my file\n")
    before = knowledge_digest(load_knowledge(knowledge), vocabulary())
    hidden.write_text("intent: check_status\nlanguage: en\nexamples:\n  - track my papers\n")
    assert knowledge_digest(load_knowledge(knowledge), vocabulary()) != before


def test_a_file_name_that_is_not_utf8_does_not_stop_a_start(knowledge: Path,
                                                            tmp_path: Path) -> None:
    odd = os.fsencode(knowledge / "faq") + b"/ma\xe9lezo.pdf"
    with open(odd, "wb") as stray:
        stray.write(b"%PDF")
    live = LiveKnowledge(knowledge, models=_store(tmp_path))
    assert live.matcher.parse("lipa na mpesa").ranking


def test_the_vocabulary_in_use_is_part_of_the_digest(knowledge: Path) -> None:
    loaded = load_knowledge(knowledge)
    assert loaded.usable_vocabulary() is None  # the fixture has no vocabulary of its own
    shipped = load_vocabulary(DEFAULT_FILE, [])
    assert shipped is not None
    trimmed = type(shipped)({k: v for k, v in shipped.meanings.items() if k != "places"})
    assert knowledge_digest(loaded, shipped) != knowledge_digest(loaded, trimmed)
    shipped_name = matcher_module._derived_name(loaded, matcher_module.IntentModel(), ())
    use_vocabulary(trimmed)  # what an older version's own vocabulary left installed
    try:
        trimmed_name = matcher_module._derived_name(loaded, matcher_module.IntentModel(), ())
    finally:
        use_vocabulary(None)
    assert shipped_name is not None and trimmed_name is not None
    assert trimmed_name != shipped_name


def test_derived_state_signed_by_another_installation_is_ignored(knowledge: Path,
                                                                 tmp_path: Path) -> None:
    LiveKnowledge(knowledge, models=ModelStore(tmp_path / "models", b"x" * 32))
    assert not LiveKnowledge(knowledge, models=_store(tmp_path)).matcher.restored


def test_a_model_file_renamed_as_derived_state_is_refused(knowledge: Path,
                                                          tmp_path: Path) -> None:
    LiveKnowledge(knowledge, models=_store(tmp_path))
    [derived] = (tmp_path / "models").glob("*.derived")
    [model] = (tmp_path / "models").glob("*.model")
    shutil.copy(model, derived)  # signed by this installation, but as a model
    assert not LiveKnowledge(knowledge, models=_store(tmp_path)).matcher.restored


def test_a_fifo_planted_under_a_stored_name_does_not_hang_a_start(knowledge: Path,
                                                                  tmp_path: Path) -> None:
    LiveKnowledge(knowledge, models=_store(tmp_path))
    [derived] = (tmp_path / "models").glob("*.derived")
    derived.unlink()
    os.mkfifo(derived)
    started: list[LiveKnowledge] = []
    worker = threading.Thread(
        target=lambda: started.append(LiveKnowledge(knowledge, models=_store(tmp_path))),
        daemon=True)
    worker.start()
    worker.join(60)
    assert started and not started[0].matcher.restored


def test_a_pruned_model_means_building_again(knowledge: Path, tmp_path: Path) -> None:
    LiveKnowledge(knowledge, models=_store(tmp_path))
    for model in (tmp_path / "models").glob("*.model"):
        model.unlink()
    again = LiveKnowledge(knowledge, models=_store(tmp_path))
    assert not again.matcher.restored
    assert _parses(again) == _parses(_fresh(knowledge))


def test_state_that_cannot_be_kept_costs_only_the_saving(knowledge: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matcher_module.Coverage, "state",
                        lambda self: {"unpicklable": lambda: None})
    live = LiveKnowledge(knowledge, models=_store(tmp_path))
    assert live.matcher.parse("how much is a passport").ranking
    assert not list((tmp_path / "models").glob("*.derived"))


def test_an_unusable_model_folder_still_starts(knowledge: Path, tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.write_text("a file where the folder should be")  # unusable even for root
    live = LiveKnowledge(knowledge, models=ModelStore(folder, KEY))
    assert not live.matcher.restored and live.matcher.parse("lipa na mpesa").ranking
