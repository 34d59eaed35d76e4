"""The vocabulary file is read with its lines, and its words match as the editors' guide says."""

from __future__ import annotations

import pytest

from bot.core.vocabulary import DEFAULT_FILE, MEANINGS, Issue, Vocabulary, parse_vocabulary


def read(body: str) -> tuple[Vocabulary, list[Issue]]:
    """Parse a file holding every group, with `body` in place of the commands group."""
    others = "\n".join(f"{group}:\n" + "".join(f"  {m}: {{}}\n" for m in meanings)
                       for group, meanings in MEANINGS.items() if group != "commands")
    return parse_vocabulary(body + others, "vocabulary.yaml")


COMMANDS = """commands:
  polite:
    en: [please]
    sw: [tafadhali]
  cancel:
    en: [cancel, /cancel, never mind]
    sw: [Ghairi, acha]
  menu: {}
  talk_to_person: {}
  end_chat:
    sw: [maliza]
  resend_code:
    en: [resend*]
  choice_number: {}
"""


def test_the_shipped_file_reads_cleanly_and_has_words_for_every_meaning() -> None:
    vocabulary, issues = parse_vocabulary(DEFAULT_FILE.read_text(encoding="utf-8"))
    assert issues == []
    empty = [m for ms in MEANINGS.values() for m in ms if not vocabulary.words(m)]
    assert empty == []


def test_words_keep_their_language_and_line() -> None:
    vocabulary, issues = read(COMMANDS)
    assert issues == []
    assert [(w.text, w.language, w.line) for w in vocabulary.words("cancel")] == [
        ("cancel", "en", 6), ("/cancel", "en", 6), ("never mind", "en", 6),
        ("Ghairi", "sw", 7), ("acha", "sw", 7)]


@pytest.mark.parametrize(("text", "expected"), [
    ("ghairi", True), ("GHAIRI", True), ("ghaìrí", True), ("  acha!! ", True),
    ("tafadhali ghairi", True), ("cancel please", True), ("/cancel", True),
    ("never   mind", True), ("achana", False), ("acha hiyo", False), ("please", False),
    ("cancel my application", False),
])
def test_a_command_is_the_whole_message_in_any_case_or_accent(text: str, expected: bool) -> None:
    vocabulary, _ = read(COMMANDS)
    assert vocabulary.whole("cancel", around="polite").matches(text) is expected


def test_end_marks_and_polite_words_are_the_codes_choice() -> None:
    vocabulary, _ = read(COMMANDS)
    strict = vocabulary.whole("end_chat", end_marks=".!")
    assert strict.matches("maliza!")
    assert not strict.matches("maliza?")
    assert not strict.matches("maliza tafadhali")


def test_anywhere_respects_word_boundaries_and_a_star_takes_any_ending() -> None:
    vocabulary, _ = read(COMMANDS)
    assert vocabulary.anywhere("cancel").matches("ok, acha basi")
    assert not vocabulary.anywhere("cancel").matches("nimeachana naye")
    assert vocabulary.anywhere("resend_code").matches("please RESENDING the code")
    assert not vocabulary.anywhere("resend_code").matches("unresend")


def test_starts_looks_at_the_first_words_only() -> None:
    vocabulary, _ = read(COMMANDS)
    assert vocabulary.starts("cancel").matches("Acha, nimepata")
    assert not vocabulary.starts("cancel").matches("nataka acha")


def test_a_meaning_without_words_matches_nothing() -> None:
    vocabulary, _ = read(COMMANDS)
    assert not vocabulary.whole("menu", around="polite").matches("menu")
    assert not vocabulary.anywhere("menu").matches("")


def test_first_of_prefers_the_earliest_then_the_longest_expression() -> None:
    vocabulary, _ = parse_vocabulary(DEFAULT_FILE.read_text(encoding="utf-8"))
    days = ("today", "yesterday", "last_week")
    assert vocabulary.first_of(days, "ilikuwa wiki jana") == "last_week"
    assert vocabulary.first_of(days, "leo au jana") == "today"
    assert vocabulary.first_of(days, "passport yangu") is None


@pytest.mark.parametrize(("body", "line", "says"), [
    (COMMANDS.replace("  menu: {}", "  menus: {}"), 8, "unknown meaning 'menus' in 'commands'"),
    (COMMANDS.replace("    sw: [maliza]", "    fr: [maliza]"), 11, "unknown language 'fr'"),
    (COMMANDS.replace("    sw: [maliza]", "    sw: maliza"), 11, "must be a list of words"),
    (COMMANDS.replace("en: [resend*]", "en: [re*send]"), 13, "'*' may only end a word"),
    (COMMANDS.replace("en: [resend*]", "en: [[resend]]"), 13, "is not a word"),
    (COMMANDS.replace("  talk_to_person: {}\n", ""), 1, "'talk_to_person' is missing"),
    (COMMANDS.replace("    en: [please]", "    en: [please"), 4, "cannot read the file"),
])
def test_schema_problems_name_their_line(body: str, line: int, says: str) -> None:
    _, issues = read(body)
    assert [i.line for i in issues if says in i.message] == [line], issues


def test_word_by_word_meanings_refuse_phrases() -> None:
    text = DEFAULT_FILE.read_text(encoding="utf-8").replace("sw: [ni, na,", "sw: [ni na, na,")
    _, issues = parse_vocabulary(text)
    assert [i.message for i in issues] == [
        "'ni na' in 'swahili_words': this meaning is compared word by word, so write single "
        "words"]


def test_a_misspelt_meaning_is_unknown_and_the_right_one_missing() -> None:
    _, issues = read(COMMANDS.replace("  menu: {}", "  menus: {}"))
    assert [i.line for i in issues] == [8, 1]
    assert "the meaning 'menu' is missing from 'commands'" in issues[1].message


def test_a_missing_group_and_an_unknown_group_are_reported() -> None:
    _, issues = parse_vocabulary(COMMANDS + "extras:\n  x: {}\n")
    messages = [i.message for i in issues]
    assert any("unknown group 'extras'" in m for m in messages)
    assert any("the group 'answers' is missing" in m for m in messages)
