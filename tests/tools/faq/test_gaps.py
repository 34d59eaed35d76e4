"""The gap report: unanswered questions grouped per language, proposals from choices."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from bot.app import Runtime
from bot.cli import main
from bot.config import BotSettings
from bot.core.ports import MatchEvent
from tests.helpers.dialog import DialogHarness
from tools.faq.gaps import cluster, proposals, write_report

EVENTS = [
    MatchEvent("fallback", "how do I register a boda boda sacco", "en"),
    MatchEvent("fallback", "register boda boda sacco how", "en"),
    MatchEvent("fallback", "how to register a sacco for boda bodas", "en"),
    MatchEvent("fallback", "what is the weather in Kisumu", "en"),
    MatchEvent("chosen", "nataka kusajili chama cha akiba", "sw", ("faq:a", "faq:b")),
    MatchEvent("chosen", "ada ya pasipoti", "sw", ("faq:passport-fees",), "passport-fees"),
    MatchEvent("chosen", "ada ya pasipoti", "sw", ("faq:passport-fees",), "passport-fees"),
    MatchEvent("did_you_mean", "ada ya pasipoti", "sw", ("faq:passport-fees",)),
]


def test_cluster_groups_similar_questions_per_language() -> None:
    clusters = cluster(EVENTS)
    assert clusters[0].count == 3 and clusters[0].language == "en"
    assert {c.language for c in clusters} == {"en", "sw"}
    assert sum(c.count for c in clusters) == 5  # 4 fallbacks and one "none of these"


def test_proposals_come_from_did_you_mean_choices() -> None:
    assert [(p.article, p.question, p.times) for p in proposals(EVENTS)] == [
        ("passport-fees", "ada ya pasipoti", 2)
    ]


def test_report_files_are_written(tmp_path: Path) -> None:
    markdown, table = write_report(cluster(EVENTS), proposals(EVENTS), tmp_path)
    text = markdown.read_text(encoding="utf-8")
    assert "## Unanswered in English: 4 questions" in text
    assert "| passport-fees | sw | ada ya pasipoti | 2 |" in text
    with table.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["kind"] == "unanswered" and rows[0]["count"] == "3"
    assert rows[-1]["kind"] == "proposed_question"


async def test_conversation_logs_masked_events_for_the_report(runtime: Runtime, dialog: DialogHarness) -> None:
    await dialog.say("xyzzy plugh qwertz 12345678")
    await dialog.say("passport password")  # two topics: did you mean
    await dialog.say("1")  # chosen
    events = await runtime.store.match_events()
    assert [e.kind for e in events] == ["fallback", "did_you_mean", "chosen"]
    assert "12345678" not in events[0].query and "******78" in events[0].query
    assert events[2].chosen == "password-reset"


def test_gaps_command_writes_report(runtime: Runtime, bot_settings: BotSettings, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    env = {"MSAIDIZI_DATA_DIR": str(bot_settings.data_dir),
           "MSAIDIZI_KNOWLEDGE_DIR": str(bot_settings.knowledge_dir)}
    from bot.config import get_settings

    get_settings.cache_clear()
    result = CliRunner().invoke(main, ["faq", "gaps", "--out", str(out)], env=env)
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert (out / "gaps.md").exists() and (out / "gaps.csv").exists()


def test_questions_no_article_covers_count_as_unanswered() -> None:
    events = [MatchEvent("not_covered", "firearm licence renewal", "en", ("faq:a",)),
              MatchEvent("did_you_mean", "passport fee", "en", ("faq:b",))]
    clusters = cluster(events)
    assert [c.examples for c in clusters] == [["firearm licence renewal"]]
