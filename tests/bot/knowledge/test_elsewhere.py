"""knowledge/elsewhere.yaml: other agencies' services load, and a broken entry is left out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.elsewhere import ELSEWHERE_FILE, load_elsewhere
from bot.knowledge.live import LiveKnowledge
from bot.knowledge.loader import load_knowledge
from bot.knowledge.problems import Problem
from tests.conftest import FIXTURES, REPO
from tests.helpers.elsewhere import SERVICES, write_elsewhere

GOOD = SERVICES.replace("en: [tax refund]", "en: [tax refund, vat]")


def test_load_elsewhere_reads_every_service_in_both_languages(tmp_path: Path) -> None:
    problems: list[Problem] = []
    services = load_elsewhere(write_elsewhere(tmp_path, GOOD), problems)
    assert problems == []
    kra, helb = services
    assert kra.id == "kra-tax" and kra.url == "https://itax.kra.go.ke/KRA-Portal/"
    assert kra.terms == {"en": ("tax refund", "vat"), "sw": ("kurudishiwa kodi",)}
    assert kra.all_terms() == ("tax refund", "vat", "kurudishiwa kodi")
    assert helb.line == GOOD.splitlines().index("  - id: helb") + 1
    referral = kra.referral("vat")
    assert referral.text("sw") == "Kurudishiwa kodi hushughulikiwa na KRA kwenye iTax."
    assert referral.text("fr") == "Tax refunds are handled by KRA on iTax."  # English otherwise
    assert referral.term == "vat" and referral.agency["en"] == "Kenya Revenue Authority (KRA)"


def test_load_elsewhere_without_a_file_has_no_services(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert load_elsewhere(tmp_path / ELSEWHERE_FILE, problems) == ()
    assert problems == []


@pytest.mark.parametrize(("old", "new", "says"), [
    ("url: https://www.helb.co.ke/", "url: https://www.tuko.co.ke/helb",
     "https://www.tuko.co.ke/helb is not an official site"),
    ('      sw: "Mikopo ya wanafunzi hushughulikiwa na HELB."\n', "",
     "text has no sw: citizens writing in that language need it too"),
    ("      sw: [mkopo wa wanafunzi]\n", "      sw: mkopo wa wanafunzi\n",
     "terms sw: must be a list of terms"),
    ("  - id: helb\n", "  - id: helb\n    website: https://www.helb.co.ke/\n",
     "unknown field 'website'"),
    ("  - id: helb\n", "  - id: kra-tax\n", "the id 'kra-tax' is used twice"),
])
def test_a_broken_service_is_reported_on_its_line_and_left_out(
        tmp_path: Path, old: str, new: str, says: str) -> None:
    assert old in GOOD
    problems: list[Problem] = []
    services = load_elsewhere(write_elsewhere(tmp_path, GOOD.replace(old, new)), problems)
    assert [s.id for s in services] == ["kra-tax"]  # the good one stays
    assert len(problems) == 1 and says in problems[0].message
    assert problems[0].line == 13 and problems[0].severity == "error"


def test_an_unreadable_file_is_one_error_with_the_line_to_fix(tmp_path: Path) -> None:
    problems: list[Problem] = []
    broken = GOOD.replace('en: "Student loans are handled by HELB."', 'en: "Student loans')
    assert load_elsewhere(write_elsewhere(tmp_path, broken), problems) == ()
    assert len(problems) == 1 and problems[0].message.startswith("cannot read the file")
    assert problems[0].line == GOOD.splitlines().index(
        '      en: "Student loans are handled by HELB."') + 1


def test_load_knowledge_carries_the_services(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", folder)
    write_elsewhere(folder, GOOD)
    knowledge = load_knowledge(folder)
    assert [s.id for s in knowledge.elsewhere] == ["kra-tax", "helb"]
    assert knowledge.errors == []


def test_the_shipped_file_loads_without_problems() -> None:
    knowledge = load_knowledge(REPO / "knowledge")
    assert [str(p) for p in knowledge.problems if ELSEWHERE_FILE in p.path] == []
    assert len(knowledge.elsewhere) >= 20


def test_a_broken_service_keeps_its_last_good_version_live(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", folder)
    path = write_elsewhere(folder, GOOD)
    live = LiveKnowledge(folder)
    path.write_text(GOOD.replace("https://www.helb.co.ke/", "https://helb.example.com/"),
                    encoding="utf-8")
    problems = live.reload(quick=True)
    assert any("is not an official site" in p.message for p in problems)
    kept = {s.id: s for s in live.current.elsewhere}
    assert kept["helb"].url == "https://www.helb.co.ke/"  # the citizen never sees the bad link


def test_every_ranked_label_is_checked_for_the_service_named(real_knowledge: LiveKnowledge,
                                                             ) -> None:
    """The routing table may pick any ranked label: each says whether it covers the service."""
    parsed = real_knowledge.matcher.parse("naeza check nssf statement yangu aje")
    assert parsed.elsewhere is not None and parsed.elsewhere.term == "nssf"
    assert len(parsed.ranking) > 3  # beyond the few whose salient words are weighed
    assert all("nssf" in score.uncovered for score in parsed.ranking
               if not real_knowledge.matcher.elsewhere.covers(score.name, "nssf"))


@pytest.mark.parametrize(("question", "article"), [
    ("good conduct certificate for kdf recruitment", "good-conduct-certificate"),
    ("nahitaji pin ya kra ili niombe mkopo wa helb", "kra-pin"),
    ("my id got lost and i need it for my helb loan application", "national-id"),
])
def test_another_agency_as_the_purpose_of_our_document_withholds_nothing(
        real_knowledge: LiveKnowledge, question: str, article: str) -> None:
    parsed = real_knowledge.matcher.parse(question)
    assert parsed.elsewhere is not None  # the service is still named: the reply may say where
    assert next(s for s in parsed.ranking if s.name == article).uncovered == ()


@pytest.mark.parametrize(("question", "term"), [
    ("kra pin for vat registration", "vat registration"),  # KRA's own: asked of KRA
    ("nssf wants my id, how do i check my nssf statement", "nssf"),  # asked outside the story
    ("how do i apply for a helb loan with my id", "apply helb loan"),  # no purpose of the id
])
def test_another_agency_asked_about_beside_our_document_still_withholds(
        real_knowledge: LiveKnowledge, question: str, term: str) -> None:
    parsed = real_knowledge.matcher.parse(question)
    assert parsed.elsewhere is not None and parsed.elsewhere.term == term
    assert term in parsed.ranking[0].uncovered
