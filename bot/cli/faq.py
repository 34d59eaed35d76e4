"""`msaidizi faq ...`: the content editors' toolkit."""

from __future__ import annotations

import asyncio
import sys
from datetime import date, timedelta
from pathlib import Path

import click

from bot.app import bands_from
from bot.config import get_settings
from bot.core.messages import utcnow
from bot.faqtools import explain as explaining
from bot.faqtools.gaps import cluster, proposals, write_report
from bot.faqtools.lint import lint
from bot.faqtools.regression import run_regression
from bot.knowledge import load_knowledge
from bot.live_knowledge import LiveKnowledge
from bot.logs import configure_logging
from bot.nlu.kfold import article_cases, intent_cases, kfold
from bot.storage.engine import create_engine
from bot.storage.sql import SqlConversationStore

KnowledgeOption = click.option(
    "--knowledge", "knowledge_dir", type=click.Path(file_okay=False, path_type=Path),
    default=None, help="Knowledge folder (default: the configured one).",
)


def _folder(knowledge_dir: Path | None) -> Path:
    return knowledge_dir or get_settings().knowledge_dir


@click.group("faq")
def faq_group() -> None:
    """Check, test and explain the FAQ knowledge base; report what citizens ask unanswered."""
    configure_logging("WARNING")


@faq_group.command("lint")
@KnowledgeOption
@click.option("--no-confusions", is_flag=True, help="Skip the (slower) confusable-pairs check.")
def lint_command(knowledge_dir: Path | None, no_confusions: bool) -> None:
    """Report schema errors, missing translations, bad links, stale reviews, duplicates, clashes."""
    knowledge = load_knowledge(_folder(knowledge_dir))
    problems = lint(knowledge, today=date.today(), confusions=not no_confusions)  # noqa: DTZ011
    for problem in problems:
        click.echo(str(problem))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{len(knowledge.article_ids())} articles: {errors} errors, {warnings} warnings")
    sys.exit(1 if errors else 0)


@faq_group.command("test")
@KnowledgeOption
@click.option("--kfold", "folds", type=int, default=0,
              help="Also report held-out accuracy per language with this many folds.")
def test_command(knowledge_dir: Path | None, folds: int) -> None:
    """Check that every example question and extra test case reaches its own article."""
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


@faq_group.command("explain")
@click.argument("question")
@click.option("--lang", type=click.Choice(["en", "sw"]), default="en")
@KnowledgeOption
def explain_command(question: str, lang: str, knowledge_dir: Path | None) -> None:
    """Show the top matches for QUESTION with their scores, what matched, and the decision."""
    settings = get_settings()
    live = LiveKnowledge(_folder(knowledge_dir))
    bands = bands_from(settings)
    click.echo(explaining.render(explaining.explain(live.matcher, question, lang, bands)))


@faq_group.command("gaps")
@click.option("--days", type=int, default=30, show_default=True, help="Look back this many days.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("var/reports"), show_default=True)
def gaps_command(days: int, out_dir: Path) -> None:
    """Group unanswered questions and propose example questions; write Markdown and CSV."""
    settings = get_settings()
    events = asyncio.run(_events(settings.bot_database_url, days))
    knowledge = LiveKnowledge(settings.knowledge_dir)
    clusters = cluster(events, knowledge.matcher.normalise)
    markdown, table = write_report(clusters, proposals(events), out_dir)
    click.echo(f"{len(events)} events, {len(clusters)} groups of unanswered questions.\n"
               f"Wrote {markdown} and {table}")


async def _events(url: str, days: int) -> list:  # type: ignore[type-arg]
    engine = create_engine(url)
    try:
        return await SqlConversationStore(engine).match_events(utcnow() - timedelta(days=days))
    finally:
        await engine.dispose()
