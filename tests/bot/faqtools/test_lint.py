"""`msaidizi faq lint` finds what editors must fix, with file:line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.faqtools.lint import lint
from bot.knowledge import load_knowledge
from tests.bot.faqtools.conftest import edit

TODAY = date(2026, 11, 28)


def messages(folder: Path, **kwargs: bool) -> list[str]:
    return [str(p) for p in lint(load_knowledge(folder), today=TODAY, **kwargs)]


def test_lint_clean_fixture_has_no_errors(knowledge_copy: Path) -> None:
    problems = lint(load_knowledge(knowledge_copy), today=TODAY, confusions=False)
    assert [p for p in problems if p.severity == "error"] == []


def test_lint_reports_missing_language(knowledge_copy: Path) -> None:
    (knowledge_copy / "faq" / "password-reset.sw.md").unlink()
    assert any("has no sw version" in m for m in messages(knowledge_copy, confusions=False))


def test_lint_reports_bad_source_link_with_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "mpesa-paybill.en.md"
    edit(path, "source: https://www.standardmedia.co.ke", "source: https://standardmedia co ke")
    found = [m for m in messages(knowledge_copy, confusions=False) if "not a valid web address" in m]
    assert found and found[0].startswith(f"{path}:14: error")


def test_lint_warns_on_stale_review_and_refuses_future_dates(knowledge_copy: Path) -> None:
    edit(knowledge_copy / "faq" / "password-reset.en.md", "reviewed: 2026-09-01", "reviewed: 2025-01-01")
    edit(knowledge_copy / "faq" / "password-reset.sw.md", "reviewed: 2026-09-01", "reviewed: 2027-01-01")
    found = messages(knowledge_copy, confusions=False)
    assert any("warning: last reviewed 2025-01-01" in m for m in found)
    assert any("error: reviewed date 2027-01-01 is in the future" in m for m in found)


def test_lint_reports_duplicate_question_across_articles_with_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "mpesa-paybill.en.md"
    edit(path, "  - paybill for government services", "  - How do I reset my password?")
    found = [m for m in messages(knowledge_copy, confusions=False) if "duplicate example" in m]
    assert len(found) == 1
    assert ":6: error" in found[0] and "password-reset.en.md" in found[0]


def test_lint_reports_unreadable_front_matter(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "passport-fees.en.md"
    edit(path, "title: Passport fees", "title: [Passport fees")
    assert any(m.startswith(str(path)) and "cannot read front matter" in m
               for m in messages(knowledge_copy, confusions=False))


def test_lint_finds_confusable_pairs(knowledge_copy: Path) -> None:
    path = knowledge_copy / "faq" / "good-conduct-certificate.en.md"
    edit(path, "  - police clearance certificate application",
         "  - how much is the fee for a passport of 34 pages")
    found = [m for m in messages(knowledge_copy) if "confusable with 'passport-fees'" in m]
    assert found and "good-conduct-certificate.en.md:" in found[0]


def test_lint_command_exit_code_follows_errors(knowledge_copy: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["faq", "lint", "--knowledge", str(knowledge_copy), "--no-confusions"])
    assert ok.exit_code == 0, ok.output
    assert "0 errors" in ok.output
    (knowledge_copy / "faq" / "password-reset.sw.md").unlink()
    bad = runner.invoke(main, ["faq", "lint", "--knowledge", str(knowledge_copy), "--no-confusions"])
    assert bad.exit_code == 1
    assert "has no sw version" in bad.output


def test_lint_reports_example_that_yaml_reads_as_a_mapping(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "greet.en.yaml"
    path.write_text("intent: greet\nexamples:\n  - hello\n  - report: a fake caller\n", encoding="utf-8")
    assert any("is not plain text" in m and m.startswith(str(path))
               for m in messages(knowledge_copy, confusions=False))
