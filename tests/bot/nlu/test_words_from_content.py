"""The words the assistant understands come from knowledge/vocabulary.yaml, not from code."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.core.language import detect_language, explicit_language_request
from bot.core.vocabulary import DEFAULT_FILE, use_vocabulary
from bot.intents.base import is_command
from bot.intents.link_account import wants_new_code
from bot.intents.report_security import category_hint, is_correction
from bot.knowledge.loader import load_knowledge
from bot.nlu.frustration import is_frustrated
from bot.nlu.when import parse_when
from common.timezone import NAIROBI

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=NAIROBI)
Teach = Callable[[str, str], None]


@pytest.fixture
def teach(tmp_path: Path) -> Iterator[Teach]:
    """Edit a copy of the shipped vocabulary and put it in use, as the runtime does."""
    folder = tmp_path / "knowledge"
    folder.mkdir()
    shutil.copy(DEFAULT_FILE, folder / "vocabulary.yaml")
    previous = use_vocabulary(None)

    def edit(old: str, new: str) -> None:
        path = folder / "vocabulary.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        words = load_knowledge(folder).usable_vocabulary()
        assert words is not None
        use_vocabulary(words)

    yield edit
    use_vocabulary(previous)


def test_an_insult_added_to_the_file_is_frustration(teach: Teach) -> None:
    assert not is_frustrated("wewe ni kichwa maji")
    teach("mmeboa]", "mmeboa, kichwa maji]")
    assert is_frustrated("Wewe ni KICHWA MAJI")


def test_a_cancel_word_removed_from_the_file_no_longer_cancels(teach: Teach) -> None:
    assert is_command("cancel", "ghairi tafadhali")
    teach("sw: [ghairi, sitisha,", "sw: [sitisha,")
    assert not is_command("cancel", "ghairi tafadhali")
    assert is_command("cancel", "sitisha")


def test_a_resend_phrase_added_to_the_file_asks_for_a_new_code(teach: Teach) -> None:
    assert not wants_new_code("nitumie nyingine")
    teach("nitumie tena]", "nitumie tena, nitumie nyingine]")
    assert wants_new_code("nitumie nyingine tafadhali")


def test_a_time_word_added_to_the_file_dates_the_incident(teach: Teach) -> None:
    assert parse_when("majuzi", NOW) is None
    teach("sw: [juzi]", "sw: [juzi, majuzi]")
    found = parse_when("majuzi", NOW)
    assert found is not None and found.day == date(2026, 12, 4)


def test_a_category_word_added_to_the_file_is_understood(teach: Teach) -> None:
    assert category_hint("walinitumia link ya uongo") is None
    teach("sw: [matapeli,", "sw: [link ya uongo, matapeli,")
    assert category_hint("walinitumia link ya uongo") == "phishing"


def test_a_language_name_added_to_the_file_switches_language(teach: Teach) -> None:
    assert explicit_language_request("kiswahiri tafadhali") is None
    teach("sw: [kiswahili, kiswa]", "sw: [kiswahili, kiswa, kiswahiri]")
    assert explicit_language_request("kiswahiri tafadhali") == "sw"


def test_a_swahili_word_added_to_the_file_is_evidence_for_swahili(teach: Teach) -> None:
    before = detect_language("sheria kesho")
    teach("sw: [ni, na, ya,", "sw: [sheria, ni, na, ya,")
    after = detect_language("sheria kesho")
    assert after.sw_score == before.sw_score + 1.5  # a known word (2.0) instead of a shape (0.5)


def test_a_name_moved_to_the_shared_words_is_no_evidence(teach: Teach) -> None:
    assert detect_language("huduma").language is None
    assert detect_language("kesho").language == "sw"
    teach("boda]", "boda, kesho]")
    teach("kwanza, tena, mara, siku, leo, jana, kesho,", "kwanza, tena, mara, siku, leo, jana,")
    assert detect_language("kesho").language is None


def test_a_file_with_errors_is_not_put_in_use(tmp_path: Path) -> None:
    (tmp_path / "vocabulary.yaml").write_text(
        DEFAULT_FILE.read_text(encoding="utf-8").replace("  cancel:", "  cancle:"),
        encoding="utf-8")
    knowledge = load_knowledge(tmp_path)
    assert knowledge.vocabulary is not None
    assert knowledge.usable_vocabulary() is None
    assert any("unknown meaning 'cancle'" in str(p) for p in knowledge.problems)


@pytest.mark.parametrize(("text", "day"), [
    ("jana usiku", date(2026, 12, 5)),
    ("ilikuwa juzi", date(2026, 12, 4)),
    ("the day before yesterday", date(2026, 12, 4)),
    ("LEO asubuhi", date(2026, 12, 6)),
    ("wiki jana", date(2026, 11, 29)),  # last week, not "jana" (yesterday) inside it
    ("mwezi uliopita", date(2026, 11, 6)),
    ("siku tatu zilizopita", date(2026, 12, 3)),
    ("3 days ago", date(2026, 12, 3)),
])
def test_parse_when_reads_the_shipped_time_words(text: str, day: date) -> None:
    found = parse_when(text, NOW)
    assert found is not None and found.day == day


@pytest.mark.parametrize("text", ["sijui", "I don't know", "not sure, jana?", "sikumbuki"])
def test_parse_when_not_knowing_is_no_date(text: str) -> None:
    found = parse_when(text, NOW)
    assert found is not None and found.day is None


@pytest.mark.parametrize(("text", "category"), [
    ("someone hacked my account", "account_takeover"),
    ("akaunti yangu imehackiwa", "account_takeover"),
    ("mtu amehack akaunti yangu", "account_takeover"),
    ("I got a PHISHING sms", "phishing"),
    ("watapeli wamenipigia", "phishing"),
    ("pesa imetolewa bila idhini", "unauthorised_payment"),
    ("my data leaked online", "data_leak"),
    ("the shack near my house", None),  # words, not letters inside other words
])
def test_category_hints_from_the_shipped_words(text: str, category: str | None) -> None:
    assert category_hint(text) == category


def test_a_correction_starts_the_message() -> None:
    assert is_correction("Hapana, ilikuwa phishing")
    assert not is_correction("ilikuwa phishing, hapana")
