"""`msaidizi faq ...`: the content editors' toolkit."""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.logs import configure_logging

if TYPE_CHECKING:
    from bot.config import BotSettings
    from bot.core.placeholders import Fee
    from bot.knowledge.problems import Problem
    from tools.faq.glossary_lint import Glossary

# The tools import what they need when they run: `faq lint` stays fast because it never
# imports the matcher, the web stack or the database drivers.

KnowledgeOption = click.option(
    "--knowledge", "knowledge_dir", type=click.Path(file_okay=False, path_type=Path),
    default=None, help="Knowledge folder (default: the configured one).",
)


def _settings() -> BotSettings:
    # imported here: loading settings pulls in the backend's command line (alembic), which
    # `faq lint --knowledge DIR` does not need
    from bot.cli.settings import load_settings

    return load_settings()


def _folder(knowledge_dir: Path | None) -> Path:
    return knowledge_dir or _settings().knowledge_dir


@click.group("faq")
def faq_group() -> None:
    """Check, test and explain the FAQ knowledge base; report what citizens ask unanswered."""
    configure_logging("WARNING")


@faq_group.command("lint")
@KnowledgeOption
@click.option("--confusions", is_flag=True,
              help="Also hold each question out of the matcher and report those that reach "
                   "another article, and report elsewhere.yaml terms an article already "
                   "answers (slow: about 15 seconds).")
@click.option("--no-confusions", is_flag=True, hidden=True,
              help="Kept for old scripts: the confusions check is off unless asked for.")
def lint_command(knowledge_dir: Path | None, confusions: bool, no_confusions: bool) -> None:
    """Report what to fix: unreadable files, links, fees, wording, translations, duplicates."""
    from bot.knowledge.loader import load_knowledge
    from tools.faq.lint import lint

    started = time.perf_counter()
    folder = _folder(knowledge_dir)
    knowledge = load_knowledge(folder)
    glossary, glossary_problems = _glossary(folder)
    problems = lint(knowledge, today=date.today(), confusions=confusions,  # noqa: DTZ011
                    fees=catalogue_fees(), glossary=glossary, folder=folder)
    problems = sorted([*glossary_problems, *problems], key=lambda p: (p.path, p.line, p.message))
    for problem in problems:
        click.echo(str(problem))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{len(knowledge.article_ids())} articles: {_count(errors, 'error')}, "
               f"{_count(warnings, 'warning')} ({time.perf_counter() - started:.1f} s)")
    sys.exit(1 if errors else 0)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def catalogue_fees() -> dict[str, Fee]:
    """Return every catalogue service's fees, as the backend bills them."""
    from backend.catalogue_data import SERVICES
    from backend.services.fees import convenience_fee
    from bot.core.placeholders import Fee

    return {s.code: Fee(s.fee_kes, convenience_fee(s.fee_kes)) for s in SERVICES}


def _glossary(folder: Path) -> tuple[Glossary | None, list[Problem]]:
    """Read the folder's glossary, with its own problems; none when the folder has none."""
    from tools.faq.glossary_file import read_glossary

    path = folder / "glossary.yaml"
    return read_glossary(path) if path.is_file() else (None, [])


@faq_group.command("test")
@KnowledgeOption
@click.option("--kfold", "folds", type=int, default=0,
              help="Also report held-out accuracy per language with this many folds.")
@click.option("--held-out", "held_out", is_flag=True,
              help="Measure on the editors' held-out questions (knowledge/held_out) instead, "
                   "and fail when a figure falls below its floor (floors.yaml).")
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all",
              show_default=True, help="With --held-out: which half to measure.")
@click.option("--show", is_flag=True,
              help="With --held-out: list the questions that count against a figure "
                   "(only for the dev half: the test half is measured, never studied).")
def test_command(knowledge_dir: Path | None, folds: int, held_out: bool, split: str,
                 show: bool) -> None:
    """Check that every example question and extra test case reaches its own article."""
    if held_out:
        sys.exit(_held_out(_folder(knowledge_dir), split, show))
    from bot.knowledge.live import LiveKnowledge
    from bot.nlu.kfold import article_cases, intent_cases, kfold
    from tools.faq.regression import run_regression

    live = LiveKnowledge(_folder(knowledge_dir))
    results = run_regression(live.matcher)
    failed = [r for r in results if r.failed]
    for r in failed:
        kind = "example" if r.case.learnt else "test case"
        click.echo(f"{r.case.path}: FAIL {kind} ({r.case.language}) {r.case.text!r}: expected "
                   f"{r.case.expected}, got {r.answered} ({r.confidence:.2f})")
    for r in results:
        if r.case.known_gap and r.passed:
            click.echo(f"{r.case.path}: known gap now answered ({r.case.language}) "
                       f"{r.case.text!r}: move it from known_gaps: to tests:")
    for language in ("en", "sw"):
        own = [r for r in results if r.case.language == language]
        held = [r for r in own if not r.case.learnt]
        click.echo(f"{language}: {sum(not r.failed for r in own)}/{len(own)} pass; held-out "
                   f"phrasings (tests and known gaps) reach their article "
                   f"{sum(r.passed for r in held)}/{len(held)}")
    if folds > 1:
        knowledge = live.current
        report = kfold(knowledge, article_cases(knowledge) + intent_cases(knowledge), folds=folds)
        for language in ("en", "sw"):
            click.echo(f"{language}: {folds}-fold held-out top-1 {report.accuracy(language):.1%} "
                       f"over {report.count(language)} questions")
        confused = report.confusions(limit=5)
        if confused:
            click.echo("most often confused (expected -> answered, count): " + "; ".join(
                f"{expected} -> {answered or 'nothing'} ({n})"
                for (expected, answered), n in confused))
    sys.exit(1 if failed else 0)


def _held_out(folder: Path, split: str, show: bool) -> int:
    """Report the held-out figures per half; return 1 when one regressed below its floor."""
    from bot.i18n import Catalogs
    from bot.knowledge.live import LiveKnowledge
    from tools.faq.held_out import read_held_out
    from tools.faq.held_out_eval import (
        figures,
        measuring_router,
        mistakes,
        read_floors,
        regressions,
        route_all,
    )

    settings = _settings()
    if not (folder / "held_out").is_dir():
        click.echo(f"{folder / 'held_out'} does not exist: see knowledge/held_out/README.md")
        return 1
    cases, problems = read_held_out(folder / "held_out")
    for problem in problems:
        click.echo(str(problem))
    live = LiveKnowledge(folder)
    router = measuring_router(live, settings)
    floors = read_floors(folder / "held_out" / "floors.yaml")
    failed = bool(problems)
    for half in ("dev", "test") if split == "all" else (split,):
        outcomes = route_all(router, live.matcher, Catalogs(settings.locales_dir),
                             [c for c in cases if c.split == half])
        found = figures(outcomes, router)
        click.echo(f"{half} half ({len(outcomes)} questions):\n{found.render()}")
        if show and half == "dev":
            click.echo("\n".join(mistakes(outcomes, router)))
        for line in regressions(found, floors.get(half, {})):
            click.echo(f"REGRESSION ({half}) {line}")
            failed = True
    return 1 if failed else 0


@faq_group.command("explain")
@click.argument("question")
@click.option("--lang", type=click.Choice(["en", "sw"]), default="en")
@KnowledgeOption
def explain_command(question: str, lang: str, knowledge_dir: Path | None) -> None:
    """Show the top matches for QUESTION with their scores, what matched, and the decision."""
    from bot.app import bands_from
    from bot.knowledge.live import LiveKnowledge
    from tools.faq import explain as explaining

    settings = _settings()
    live = LiveKnowledge(_folder(knowledge_dir))
    bands = bands_from(settings)
    click.echo(explaining.render(explaining.explain(live.matcher, question, lang, bands)))


@faq_group.command("gaps")
@click.option("--days", type=int, default=30, show_default=True, help="Look back this many days.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("var/reports"), show_default=True)
def gaps_command(days: int, out_dir: Path) -> None:
    """Group unanswered questions and propose example questions; write Markdown and CSV."""
    from bot.knowledge.live import LiveKnowledge
    from tools.faq.gaps import cluster, proposals, write_report

    settings = _settings()
    events = asyncio.run(_events(settings.bot_database_url, days))
    knowledge = LiveKnowledge(settings.knowledge_dir)
    clusters = cluster(events, knowledge.matcher.normalise)
    markdown, table = write_report(clusters, proposals(events), out_dir)
    click.echo(f"{len(events)} events, {len(clusters)} groups of unanswered questions.\n"
               f"Wrote {markdown} and {table}")


async def _events(url: str, days: int) -> list:  # type: ignore[type-arg]
    from bot.storage.engine import create_engine
    from bot.storage.sql import SqlConversationStore
    from common.timezone import utcnow

    engine = create_engine(url)
    try:
        return await SqlConversationStore(engine).match_events(utcnow() - timedelta(days=days))
    finally:
        await engine.dispose()
