"""`msaidizi faq test` and `msaidizi faq explain`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.core.routing import Bands
from bot.knowledge.live import LiveKnowledge
from tests.tools.faq.conftest import edit
from tools.faq.explain import explain, render
from tools.faq.regression import run_regression


def test_regression_passes_on_fixture(fixture_knowledge: LiveKnowledge) -> None:
    results = run_regression(fixture_knowledge.matcher)
    assert results and all(r.passed for r in results)
    assert any(not r.case.learnt for r in results)  # the tests: cases are asked too


def test_faq_test_command_fails_on_a_case_that_reaches_another_article(knowledge_copy: Path) -> None:
    edit(knowledge_copy / "faq" / "password-reset.en.md", "  - i have forgotten the password of my account",
         "  - how much does a fifty page passport cost")
    result = CliRunner().invoke(main, ["faq", "test", "--knowledge", str(knowledge_copy)])
    assert result.exit_code == 1
    assert "FAIL test case (en) 'how much does a fifty page passport cost': expected password-reset, got passport-fees" in result.output


def test_faq_test_command_reports_kfold(knowledge_copy: Path) -> None:
    result = CliRunner().invoke(main, ["faq", "test", "--knowledge", str(knowledge_copy), "--kfold", "3"])
    assert result.exit_code == 0, result.output
    assert "3-fold held-out top-1" in result.output
    assert "most often confused (expected -> answered, count): " in result.output


def test_explain_shows_candidates_examples_and_decision(fixture_knowledge: LiveKnowledge) -> None:
    explanation = explain(fixture_knowledge.matcher, "Nmesahau password pls", "sw", Bands())
    assert explanation.normalised == "nimesahau password please"
    assert explanation.candidates[0].label == "password-reset"
    assert explanation.candidates[0].example
    text = render(explanation)
    assert "Decision:    answer with password-reset" in text
    assert "closest example" in text


def test_explain_command_runs(fixture_knowledge: LiveKnowledge) -> None:
    from tests.conftest import FIXTURES

    result = CliRunner().invoke(main, ["faq", "explain", "xyzzy quux", "--knowledge", str(FIXTURES / "knowledge")])
    assert result.exit_code == 0, result.output
    assert "Decision:" in result.output
