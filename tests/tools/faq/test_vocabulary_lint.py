"""`faq lint` checks the vocabulary: schema, duplicates, a word two meanings claim, at file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.core.vocabulary import DEFAULT_FILE
from bot.knowledge.loader import load_knowledge
from tests.tools.faq.conftest import edit
from tests.tools.faq.test_lint import TODAY, lines_of
from tools.faq.lint import lint


@pytest.fixture
def vocabulary(knowledge_copy: Path) -> Path:
    """Return the shipped vocabulary, copied into the fixture knowledge folder."""
    path = knowledge_copy / "vocabulary.yaml"
    shutil.copy(DEFAULT_FILE, path)
    return path


def problems(folder: Path) -> list[str]:
    return [str(p) for p in lint(load_knowledge(folder), today=TODAY)]


def test_the_shipped_vocabulary_lints_clean(vocabulary: Path) -> None:
    assert problems(vocabulary.parent) == []


def test_a_word_two_meanings_claim_is_an_error_on_its_line(vocabulary: Path) -> None:
    edit(vocabulary, "sw: [hapana, la, sitaki, sikubali]", "sw: [hapana, la, sitaki, sikubali, Sáwa]")
    yes_line = lines_of(vocabulary, "sw: [ndio, ndiyo, sawa")
    assert problems(vocabulary.parent) == [
        f"{vocabulary}:{lines_of(vocabulary, 'Sáwa')}: error: 'Sáwa' is claimed by no and by "
        f"yes (line {yes_line}): the assistant cannot tell which is meant. Keep it in one "
        "meaning only"]


def test_a_word_listed_twice_in_a_meaning_is_an_error(vocabulary: Path) -> None:
    edit(vocabulary, "mmeboa]", "mmeboa, Upuuzi]")
    line = lines_of(vocabulary, "Upuuzi")
    assert problems(vocabulary.parent) == [
        f"{vocabulary}:{line}: error: 'Upuuzi' is listed twice in frustration (also line "
        f"{lines_of(vocabulary, 'takataka, upuuzi')}): keep one"]


def test_the_same_word_in_two_groups_is_allowed(vocabulary: Path) -> None:
    # "no" answers a question and also starts a correction: different groups, no conflict.
    assert "correction:\n    en: [\"no\"" in vocabulary.read_text(encoding="utf-8")
    assert problems(vocabulary.parent) == []


def test_a_star_word_that_finds_another_meanings_word_is_an_error(vocabulary: Path) -> None:
    edit(vocabulary, "sw: [matapeli,", "sw: [hacker, matapeli,")
    found = problems(vocabulary.parent)
    assert found == [
        f"{vocabulary}:{lines_of(vocabulary, 'hacker, matapeli')}: error: 'hacker' in "
        f"security_report/phishing is also found by 'hack*' of account_takeover (line "
        f"{lines_of(vocabulary, 'en: [hack*')}): a message with it would mean both. Keep the "
        "word in one meaning, or replace the '*' word by the whole words it should find"]


@pytest.mark.parametrize(("old", "new", "says"), [
    ("  frustration:", "  frustation:", "unknown meaning 'frustation' in 'signals'"),
    ("    sw: [juzi]", "    swa: [juzi]", "unknown language 'swa' under 'day_before_yesterday'"),
    ("    sw: [juzi]", "    sw:\n      - juzi #the day before", "this text is cut at '#'"),
    ("    sw: [juzi]", "    sw: [juzi", "cannot read the file"),
])
def test_schema_problems_are_errors_on_their_line(vocabulary: Path, old: str, new: str,
                                                  says: str) -> None:
    edit(vocabulary, old, new)
    line = lines_of(vocabulary, new.strip().splitlines()[-1].strip())
    assert any(p.startswith(f"{vocabulary}:{line}: error: {says}")
               for p in problems(vocabulary.parent)), problems(vocabulary.parent)


def test_faq_lint_exits_with_1_on_a_vocabulary_error(vocabulary: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["faq", "lint", "--knowledge", str(vocabulary.parent),
                              "--no-confusions"])
    assert ok.exit_code == 0, ok.output
    edit(vocabulary, "sw: [tuma tena,", "sw: [ghairi, tuma tena,")
    bad = runner.invoke(main, ["faq", "lint", "--knowledge", str(vocabulary.parent),
                               "--no-confusions"])
    assert bad.exit_code == 1
    assert f"{vocabulary}:{lines_of(vocabulary, 'sw: [ghairi, tuma tena')}: error: 'ghairi' is " \
           "claimed by resend_code and by cancel" in bad.output
