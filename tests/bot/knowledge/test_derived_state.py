"""A worker starting on files seen before loads what was derived from them, and answers alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.fingerprint import knowledge_fingerprint
from bot.knowledge.live import LiveKnowledge
from bot.nlu import matcher as matcher_module
from bot.nlu.model_store import ModelStore
from tests.conftest import FIXTURES

KEY = b"k" * 32
REPO_KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
# questions that exercise the model, the coverage check and the services handled elsewhere
QUESTIONS = ("how much is a passport", "nimepoteza kitambulisho changu", "lipa na mpesa",
             "how do I get a fishing licence", "tax refund from kra", "hello",
             "where do I collect my passport", "nataka kurudishiwa kodi")


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", root)
    shutil.copy(REPO_KNOWLEDGE / "elsewhere.yaml", root)  # services handled elsewhere, indexed
    return root


def _parses(live: LiveKnowledge) -> list[object]:
    return [live.matcher.parse(q) for q in QUESTIONS]


def test_the_questions_reach_every_part_of_the_derived_state(knowledge: Path) -> None:
    parses = [LiveKnowledge(knowledge).matcher.parse(q) for q in QUESTIONS]
    assert any(p.elsewhere for p in parses)  # a service handled elsewhere
    assert any(s.uncovered for p in parses for s in p.ranking)  # coverage's uncovered words


def test_a_second_start_restores_the_derived_state_and_answers_alike(
        knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "models"
    first = LiveKnowledge(knowledge, models=ModelStore(store, KEY))
    assert not first.matcher.restored
    assert len(list(store.glob("*.derived"))) == 1
    def rebuilt(*_: object, **__: object) -> None:
        pytest.fail("a restored start built its coverage or index again")

    # a restored start builds no coverage or index of its own
    monkeypatch.setattr(matcher_module.Coverage, "__init__", rebuilt)
    monkeypatch.setattr(matcher_module.ElsewhereIndex, "__init__", rebuilt)
    second = LiveKnowledge(knowledge, models=ModelStore(store, KEY))
    assert second.matcher.restored
    monkeypatch.undo()
    assert _parses(second) == _parses(first)
    assert _parses(second) == _parses(LiveKnowledge(knowledge))  # as if built from scratch


def test_an_edited_file_is_a_new_version(knowledge: Path, tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models", KEY)
    LiveKnowledge(knowledge, models=store)
    article = knowledge / "faq" / "mpesa-paybill.en.md"
    article.write_text(article.read_text() + "\nAlso known as Lipa na M-Pesa.\n")
    edited = LiveKnowledge(knowledge, models=store)
    assert not edited.matcher.restored
    assert len(list((tmp_path / "models").glob("*.derived"))) == 2


def test_a_folder_with_a_broken_file_keeps_nothing(knowledge: Path, tmp_path: Path) -> None:
    (knowledge / "faq" / "broken.en.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    store = tmp_path / "models"
    live = LiveKnowledge(knowledge, models=ModelStore(store, KEY))
    assert live.last_problems and not list(store.glob("*.derived"))


def test_derived_state_signed_by_another_installation_is_ignored(knowledge: Path,
                                                                 tmp_path: Path) -> None:
    store = tmp_path / "models"
    LiveKnowledge(knowledge, models=ModelStore(store, b"x" * 32))
    other = LiveKnowledge(knowledge, models=ModelStore(store, KEY))
    assert not other.matcher.restored


def test_a_pruned_model_means_building_again(knowledge: Path, tmp_path: Path) -> None:
    store = tmp_path / "models"
    LiveKnowledge(knowledge, models=ModelStore(store, KEY))
    for model in store.glob("*.model"):
        model.unlink()
    again = LiveKnowledge(knowledge, models=ModelStore(store, KEY))
    assert not again.matcher.restored
    assert _parses(again) == _parses(LiveKnowledge(knowledge))


def test_the_fingerprint_follows_every_file_but_the_held_out_questions(knowledge: Path) -> None:
    before = knowledge_fingerprint(knowledge)
    assert before == knowledge_fingerprint(knowledge)
    (knowledge / "held_out").mkdir()
    (knowledge / "held_out" / "dev.yaml").write_text("questions: []\n")
    (knowledge / ".editor.swp").write_text("scratch")
    assert knowledge_fingerprint(knowledge) == before
    (knowledge / "glossary.yaml").write_text("terms: {}\n")
    assert knowledge_fingerprint(knowledge) != before
    assert knowledge_fingerprint(knowledge / "missing") is not None  # nothing there to read


def test_state_that_cannot_be_kept_costs_only_the_saving(knowledge: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matcher_module.Coverage, "state",
                        lambda self: {"unpicklable": lambda: None})
    live = LiveKnowledge(knowledge, models=ModelStore(tmp_path / "models", KEY))
    assert live.matcher.parse("how much is a passport").ranking
    assert not list((tmp_path / "models").glob("*.derived"))


def test_an_unusable_model_folder_still_starts(knowledge: Path, tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.write_text("a file where the folder should be")  # unusable even for root
    live = LiveKnowledge(knowledge, models=ModelStore(folder, KEY))
    assert not live.matcher.restored and live.matcher.parse("lipa na mpesa").ranking
