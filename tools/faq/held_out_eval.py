"""Measure the assistant on the held-out questions, as the conversation would route them.

Each question is routed in a fresh conversation by the real router (`Router.plan`): rules,
the routing table, the confidence bands and the coverage check, without running a handler.
The figures, and the floors CI holds them to (`knowledge/held_out/floors.yaml`):

* top-1 per language: answerable questions whose first offer (the asserted answer, or the
  first "did you mean" option) is the expected article or action; "answered outright and
  right" counts only the asserted ones (the rest needed a tap);
* out-of-scope recall: questions nothing answers that get an honest reply (no answer, or
  "we don't cover that" with what is close), never an asserted article;
* false fallbacks: answerable questions told "I don't know" or "we don't cover that";
* confidently wrong: questions, of all, answered with a wrong article or action asserted
  without a choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import build_router
from bot.clients.offline import OfflineBackend, OfflineEscalation
from bot.config import BotSettings
from bot.core.backend import ReportDraft
from bot.core.messages import InboundMessage
from bot.core.ports import PendingReport
from bot.core.routing import Plan, Router
from bot.core.session import Session
from bot.core.turn import Turn
from bot.i18n import Catalogs
from bot.knowledge.live import LiveKnowledge
from bot.nlu.matcher import KnowledgeMatcher
from common import yaml_read
from tools.faq.held_out import LANGUAGES, OUT_OF_SCOPE, HeldOutCase

HONEST = ("miss", "not_covered")
ASSERTED = ("rule", "answer")
# Figures where more is better; the others (rates of harm) must stay at or under their floor.
HIGHER_IS_BETTER = ("top1_en", "top1_sw", "top1_mixed", "answered_right", "oos_recall",
                    "service_oos_recall")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the assistant did with one held-out question."""

    case: HeldOutCase
    plan: Plan

    @property
    def first(self) -> str:
        """Return the intent offered first ("" when nothing was offered)."""
        return self.plan.intents[0] if self.plan.intents else ""

    @property
    def asserted(self) -> bool:
        """Return True when an answer was given without a choice."""
        return self.plan.kind in ASSERTED and self.first != OUT_OF_SCOPE

    @property
    def honest(self) -> bool:
        """Return True when the reply admits there is no answer."""
        return self.plan.kind in HONEST or (self.plan.kind in ASSERTED
                                            and self.first == OUT_OF_SCOPE)


@dataclass(frozen=True, slots=True)
class Figures:
    """The held-out figures, each a share between 0 and 1, with the counts behind them."""

    values: Mapping[str, float]
    counts: Mapping[str, int]

    def render(self) -> str:
        """Format the figures for the terminal."""
        names = {"top1_en": "top-1 English", "top1_sw": "top-1 Swahili",
                 "top1_mixed": "top-1 mixed/Sheng",
                 "answered_right": "answered outright and right (answerable)",
                 "oos_recall": "out-of-scope handled honestly",
                 "service_oos_recall": "  of which uncovered government services",
                 "false_fallbacks": "false fallbacks (answerable, told no answer)",
                 "confidently_wrong": "confidently wrong (of all questions)"}
        return "\n".join(f"{names[k]:<46} {v:6.1%}  (n={self.counts[k]})"
                         for k, v in self.values.items())


def measuring_router(live: LiveKnowledge, settings: BotSettings) -> Router:
    """Build the production router over offline ports (routing runs no handler)."""
    return build_router(live, settings, OfflineBackend(), NoReports(), OfflineEscalation(),
                        NoTicketRoutes())


def route_all(router: Router, matcher: KnowledgeMatcher, translations: Catalogs,
              cases: Iterable[HeldOutCase]) -> list[Outcome]:
    """Route every case in a fresh conversation; return what the router planned."""
    outcomes = []
    for number, case in enumerate(cases):
        locale = "en" if case.language == "en" else "sw"
        message = InboundMessage(channel="held-out", sender_id=f"case-{number}", text=case.text)
        session = Session(conversation_id=message.conversation_id, channel="held-out",
                          sender_id=message.sender_id, locale=locale)
        turn = Turn(message=message, session=session, translations=translations,
                    text=case.text, nlu=matcher.parse(case.text, locale))
        outcomes.append(Outcome(case, router.plan(turn)))
    return outcomes


def figures(outcomes: Sequence[Outcome], router: Router) -> Figures:
    """Compute the held-out figures from routed outcomes."""
    def right(o: Outcome) -> bool:
        return bool(o.first) and same_intent(router, o.first, o.case.expect)

    values: dict[str, float] = {}
    counts: dict[str, int] = {}

    def share(key: str, hits: Iterable[bool]) -> None:
        flags = list(hits)
        values[key], counts[key] = (sum(flags) / len(flags) if flags else 1.0), len(flags)

    answerable = [o for o in outcomes if o.case.in_scope]
    for language in LANGUAGES:
        share(f"top1_{language}", (right(o) for o in answerable if o.case.language == language))
    share("answered_right", (o.asserted and right(o) for o in answerable))
    unanswerable = [o for o in outcomes if not o.case.in_scope]
    share("oos_recall", (o.honest for o in unanswerable))
    share("service_oos_recall", (o.honest for o in unanswerable if o.case.about == "service"))
    share("false_fallbacks", (o.honest for o in answerable))
    share("confidently_wrong", (o.asserted and not right(o) for o in outcomes))
    return Figures(values, counts)


def same_intent(router: Router, answered: str, expected: str) -> bool:
    """Return True when `answered` is `expected`, or an action label of the same handler."""
    if answered == expected:
        return True
    handler = router.handler_for(answered)
    return (handler is not None and handler.name != "faq"
            and handler is router.handler_for(expected))


def read_floors(path: Path) -> dict[str, dict[str, float]]:
    """Return the stored floors per half ("dev", "test"), by figure name (none: no file)."""
    if not path.exists():
        return {}
    data: Any = yaml_read.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        return {}
    return {str(half): {str(k): float(v) for k, v in (floors or {}).items()}
            for half, floors in data.items() if half in ("dev", "test")}


def regressions(found: Figures, floors: Mapping[str, float]) -> list[str]:
    """Return a line per figure that fell below (or, for harms, rose above) its floor."""
    out = []
    for key, floor in floors.items():
        value = found.values.get(key)
        if value is None:
            out.append(f"{key}: no such figure (floors.yaml names it)")
        elif key in HIGHER_IS_BETTER and value < floor:
            out.append(f"{key}: {value:.1%} is below its floor {floor:.1%}")
        elif key not in HIGHER_IS_BETTER and value > floor:
            out.append(f"{key}: {value:.1%} is above its ceiling {floor:.1%}")
    return out


def mistakes(outcomes: Sequence[Outcome], router: Router) -> list[str]:
    """Describe each outcome that counts against a figure, for the editor to look at."""
    lines = []
    for o in outcomes:
        right = bool(o.first) and same_intent(router, o.first, o.case.expect)
        if o.case.in_scope and right and not o.honest:
            continue
        if not o.case.in_scope and o.honest:
            continue
        what = o.plan.kind + (f" {', '.join(o.plan.intents)}" if o.plan.intents else "")
        lines.append(f"{o.case.path}:{o.case.line}: ({o.case.language}) {o.case.text!r}: "
                     f"expected {o.case.expect}, got {what}")
    return lines


class NoReports:
    """A report queue for measuring: routing never files a report."""

    async def keep(self, conversation_id: str, draft: ReportDraft, idempotency_key: str,
                   token: str | None) -> None:
        """Keep nothing."""

    async def due(self, now: datetime, limit: int = 20) -> list[PendingReport]:
        """Return no report."""
        return []

    async def filed(self, report_id: int, reference: str) -> None:
        """Do nothing."""

    async def failed(self, report_id: int, attempts: int) -> None:
        """Do nothing."""


class NoTicketRoutes:
    """Ticket routes for measuring: routing never opens a ticket."""

    async def route(self, number: str, conversation_id: str) -> None:
        """Do nothing."""

    async def conversation_for(self, number: str) -> str | None:
        """Return no conversation."""
        return None
