"""The routing table and the held-out set: readable, naming known articles and actions."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.core.route_table import ANY_ACTION, ANY_ARTICLE, parse_route_table
from bot.knowledge.loader import Knowledge, Problem
from tools.faq.held_out import content_problems, read_held_out, size_problems

# Actions the assistant has without example phrasings in knowledge/intents.
BUILT_IN = frozenset({"check_status", "start_payment", "payment_history", "receipt",
                      "payment_check", "my_data", "delete_my_data", "talk_to_human",
                      "report_security_incident", "ticket_status", "link_account", "logout"})


def routing_problems(knowledge: Knowledge, path: Path) -> Iterable[Problem]:
    """Yield what is wrong with the routing table at `path` (none when there is no table)."""
    if not path.exists():
        return
    table, problems = parse_route_table(path.read_text(encoding="utf-8"), str(path))
    for line, message in problems:
        yield Problem(str(path), line, message)
    known = {article_id for article_id, _ in knowledge.articles}
    known |= {intent.intent for intent in knowledge.intents} | BUILT_IN
    for rule in table.rules:
        for side in rule.between:
            if side not in known and side not in (ANY_ARTICLE, ANY_ACTION):
                yield Problem(str(path), rule.line, f"{side!r} is no article id or action: "
                              f"write an article id, an action, '{ANY_ARTICLE}' or "
                              f"'{ANY_ACTION}'")


def held_out_problems(knowledge: Knowledge, folder: Path) -> Iterable[Problem]:
    """Yield what is wrong with the held-out questions in `folder` (none when it is absent)."""
    if not folder.is_dir():
        return
    cases, problems = read_held_out(folder)
    yield from problems
    yield from content_problems(cases, knowledge)
    yield from size_problems(cases, str(folder))
