"""The held-out questions: their shape, no copies of examples, and the floors CI holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import BotSettings
from bot.core.routing import Plan
from bot.i18n import Catalogs
from bot.knowledge.live import LiveKnowledge
from bot.knowledge.loader import load_knowledge
from tests.conftest import REPO
from tools.faq.held_out import HeldOutCase, content_problems, read_held_out, size_problems
from tools.faq.held_out_eval import (
    Figures,
    Outcome,
    figures,
    measuring_router,
    read_floors,
    regressions,
    route_all,
)
from tools.faq.routing_lint import held_out_problems, routing_problems

HELD_OUT = REPO / "knowledge" / "held_out"


def test_shipped_held_out_set_has_no_problems() -> None:
    knowledge = load_knowledge(REPO / "knowledge")
    assert [str(p) for p in held_out_problems(knowledge, HELD_OUT)] == []
    assert [str(p) for p in routing_problems(knowledge, REPO / "knowledge" / "routing.yaml")] == []


def test_shipped_held_out_set_has_both_halves_and_all_languages() -> None:
    cases, _ = read_held_out(HELD_OUT)
    for split in ("dev", "test"):
        own = [c for c in cases if c.split == split]
        assert {c.language for c in own} == {"en", "sw", "mixed"}
        assert any(c.about == "service" for c in own)


def test_copy_of_an_example_question_is_refused(tmp_path: Path) -> None:
    knowledge = load_knowledge(REPO / "knowledge")
    article = knowledge.articles[("refund", "en")]
    (tmp_path / "dev.yaml").write_text(
        "split: dev\nquestions:\n"
        f"  - {{lang: en, expect: refund, text: \"{article.questions[0]}!\"}}\n",
        encoding="utf-8")
    cases, problems = read_held_out(tmp_path)
    assert problems == []
    found = content_problems(cases, knowledge)
    assert found and "too close to the example" in found[0].message and found[0].line == 3


@pytest.mark.parametrize(("entry", "complaint"), [
    ("{lang: fr, expect: refund, text: \"x\"}", "'lang' must be one of"),
    ("{lang: en, expect: refund}", "'text' must be the question"),
    ("{lang: en, expect: refund, text: \"x\", about: service}", "'about: service' marks"),
    ("just a question", "each entry is"),
])
def test_malformed_entry_is_located(tmp_path: Path, entry: str, complaint: str) -> None:
    (tmp_path / "test.yaml").write_text(f"split: test\nquestions:\n  - {entry}\n",
                                        encoding="utf-8")
    cases, problems = read_held_out(tmp_path)
    assert cases == []
    assert problems[0].line == 3 and complaint in problems[0].message


def test_unknown_label_and_a_small_set_are_reported(tmp_path: Path) -> None:
    knowledge = load_knowledge(REPO / "knowledge")
    case = HeldOutCase("where do bees sleep", "bees", "en", "dev", path="x", line=4)
    assert "no article id or intent" in content_problems([case], knowledge)[0].message
    messages = [p.message for p in size_problems([case], "x")]
    assert any("keep at least 400" in m for m in messages)
    assert any("about services no article covers" in m for m in messages)


def _outcome(expect: str, kind: str, *intents: str, language: str = "en") -> Outcome:
    return Outcome(HeldOutCase("q", expect, language, "dev"), Plan(kind, intents))


class _Router:
    def handler_for(self, intent: str) -> None:
        return None


def test_figures_count_each_outcome_once() -> None:
    outcomes = [
        _outcome("refund", "answer", "refund"),
        _outcome("refund", "answer", "kra-pin"),  # confidently wrong
        _outcome("refund", "miss"),  # false fallback
        _outcome("refund", "suggest", "refund", "kra-pin"),  # top-1 right, not asserted
        _outcome("out_of_scope", "not_covered", "refund"),  # honest
        _outcome("out_of_scope", "answer", "refund"),  # confidently wrong
    ]
    found = figures(outcomes, _Router())  # type: ignore[arg-type]
    assert found.values["top1_en"] == 0.5
    assert found.values["false_fallbacks"] == 0.25
    assert found.values["oos_recall"] == 0.5
    assert found.values["confidently_wrong"] == pytest.approx(2 / 6)


def test_regressions_name_figures_past_their_floor() -> None:
    found = Figures({"top1_en": 0.9, "confidently_wrong": 0.05}, {"top1_en": 1,
                                                                  "confidently_wrong": 1})
    assert regressions(found, {"top1_en": 0.85, "confidently_wrong": 0.06}) == []
    assert len(regressions(found, {"top1_en": 0.95, "confidently_wrong": 0.04})) == 2


def test_held_out_figures_stay_above_their_floors() -> None:
    """The CI gate: `msaidizi faq test --held-out` must not regress below floors.yaml."""
    live = LiveKnowledge(REPO / "knowledge")
    settings = BotSettings(_env_file=None)  # type: ignore[call-arg]
    router = measuring_router(live, settings)
    floors = read_floors(HELD_OUT / "floors.yaml")
    cases, _ = read_held_out(HELD_OUT)
    failed = []
    for split in ("dev", "test"):
        assert floors.get(split), f"floors.yaml has no floors for the {split} half"
        outcomes = route_all(router, live.matcher, Catalogs(REPO / "locales"),
                             [c for c in cases if c.split == split])
        failed += [f"{split}: {line}" for line in regressions(figures(outcomes, router),
                                                              floors[split])]
    assert failed == []


def test_explain_names_the_words_no_close_article_covers(real_knowledge) -> None:
    from bot.core.routing import Bands
    from tools.faq.explain import explain, render

    explanation = explain(real_knowledge.matcher, "apply for a beekeeping licence", "en", Bands())
    assert explanation.uncovered == ("beekeeping",)
    assert "no answer about beekeeping" in render(explanation)


def test_held_out_command_reports_a_missing_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    (tmp_path / "faq").mkdir()
    result = CliRunner().invoke(main, ["faq", "test", "--held-out", "--knowledge", str(tmp_path)])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_missing_floors_file_means_no_floors(tmp_path: Path) -> None:
    assert read_floors(tmp_path / "floors.yaml") == {}
