"""`faq lint` checks knowledge/elsewhere.yaml: official links, both languages, unclaimed terms."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.knowledge.loader import load_knowledge
from tests.conftest import REPO
from tests.helpers.elsewhere import SERVICES, write_elsewhere
from tools.faq.elsewhere_lint import answered_terms, elsewhere_problems
from tools.faq.lint import lint

TODAY = date(2026, 11, 28)
def line_of(text: str, wanted: str) -> int:
    return text.splitlines().index(wanted) + 1


def test_lint_of_a_good_file_finds_nothing(knowledge_copy: Path) -> None:
    write_elsewhere(knowledge_copy, SERVICES)
    assert [str(p) for p in lint(load_knowledge(knowledge_copy), today=TODAY)
            if "elsewhere" in p.path] == []


def test_lint_refuses_a_broken_file_with_the_line_of_each_service(knowledge_copy: Path) -> None:
    broken = (SERVICES.replace("https://www.helb.co.ke/", "https://www.helb-loans.com/")
              .replace('      sw: "Kurudishiwa kodi hushughulikiwa na KRA kwenye iTax."\n', ""))
    path = write_elsewhere(knowledge_copy, broken)
    result = CliRunner().invoke(main, ["faq", "lint", "--knowledge", str(knowledge_copy)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    kra, helb = line_of(broken, "  - id: kra-tax"), line_of(broken, "  - id: helb")
    assert (f"{path}:{kra}: error: text has no sw: citizens writing in that language need it "
            "too") in result.output
    assert (f"{path}:{helb}: error: https://www.helb-loans.com/ is not an official site: link "
            "only government (.go.ke) sites or an agency's own site listed in "
            "bot/knowledge/sources.py") in result.output


def test_lint_refuses_a_term_two_services_claim(knowledge_copy: Path) -> None:
    path = write_elsewhere(knowledge_copy, SERVICES.replace("en: [student loan]",
                                                  "en: [student loan, tax refunds]"))
    found = [p for p in elsewhere_problems(load_knowledge(knowledge_copy))
             if "also listed" in p.message]
    assert [(p.path, p.line, p.severity) for p in found] == [
        (str(path), line_of(SERVICES, "      en: [student loan]"), "error")]
    assert "'tax refunds' is also listed under 'kra-tax'" in found[0].message


def test_lint_warns_about_a_term_an_article_answers(knowledge_copy: Path) -> None:
    write_elsewhere(knowledge_copy, SERVICES.replace("en: [tax refund]", "en: [tax refund, passport fee]"))
    knowledge = load_knowledge(knowledge_copy)
    assert [p for p in lint(knowledge, today=TODAY) if "named by" in p.message] == []  # slow
    found = [p for p in lint(knowledge, today=TODAY, confusions=True)
             if "named by the example questions" in p.message]
    assert len(found) == 1 and found[0].severity == "warning"
    assert "'passport fee' is named by the example questions of passport-fees" in found[0].message


def test_the_shipped_file_lints_clean() -> None:
    knowledge = load_knowledge(REPO / "knowledge")
    assert [str(p) for p in [*elsewhere_problems(knowledge), *answered_terms(knowledge)]] == []
