"""Pick the handler for a turn: tapped choices, interrupts, flows, rules, then the matcher."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol, runtime_checkable

from bot.core.messages import Choice, ChoicesReply, Reply
from bot.core.payloads import Payload, payload
from bot.core.ports import IntentScore
from bot.core.results import Result
from bot.core.route_table import ANY_ACTION, ANY_ARTICLE, Candidates, RouteTable
from bot.core.turn import Turn
from common.timezone import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Match:
    """Why a handler wants a turn: a score from 0 to 100 and what it found."""

    score: float
    intent: str
    entities: Mapping[str, str] = field(default_factory=dict)


class IntentHandler(Protocol):
    """Decides whether it can answer a turn, then answers with data (no I/O towards users)."""

    name: str
    topic: bool  # a subject a citizen asks about; False for "hello", "thanks", "cancel"

    def handles(self, intent: str) -> bool:
        """Return True when `intent` (an NLU label or a payload name) belongs to this handler."""
        ...

    def title(self, intent: str, turn: Turn) -> str:
        """Return a short label for `intent` in the turn's language, for "did you mean" lists."""
        ...

    def match(self, turn: Turn) -> Match | None:
        """Return a rule-based match (score 100) when the turn is unmistakably ours."""
        ...

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Answer the turn: the replies, and the events that happened."""
        ...


@runtime_checkable
class FlowHandler(Protocol):
    """A multi-step flow: it owns the conversation until it ends, is cancelled or times out."""

    name: str
    timeout: timedelta

    async def step(self, turn: Turn) -> Result | None:
        """Advance the flow with this turn; None means the turn is not an answer to the flow."""
        ...

    def reprompt(self, turn: Turn) -> list[Reply]:
        """Ask again for what the current step needs (after a digression)."""
        ...

    def expired(self, turn: Turn) -> list[Reply]:
        """Say politely that the flow timed out."""
        ...

    def is_answer(self, argument: str) -> bool:
        """Return True when `argument` is a button of one of the flow's own questions."""
        ...


class MissPolicy(Protocol):
    """What to say when the matcher is unsure or has no answer."""

    def did_you_mean(self, turn: Turn, options: Sequence[tuple[str, str]]) -> list[Reply]:
        """Offer the close candidates as numbered choices of (title, payload)."""
        ...

    def miss(self, turn: Turn) -> list[Reply]:
        """Admit not knowing; after repeated misses offer a person."""
        ...

    def followed(self, turn: Turn) -> None:
        """Note which "did you mean" option the citizen took, if options were on screen."""
        ...

    def not_covered(self, turn: Turn, options: Sequence[tuple[str, str]],
                    terms: Sequence[str]) -> list[Reply]:
        """Say the question names something no close article covers; offer the close ones."""
        ...


@dataclass(frozen=True, slots=True)
class Bands:
    """Confidence bands: answer, suggest ("did you mean"), or admit not knowing."""

    answer: float = 0.75
    margin: float = 0.30
    suggest: float = 0.20
    max_suggestions: int = 3


@dataclass(frozen=True, slots=True)
class Plan:
    """How the router meets a typed message, decided before any handler runs.

    `kind` is "rule" or "answer" (one intent), "suggest" (options), "not_covered" (the
    question names something no close article covers; `intents` are the close ones) or "miss".
    """

    kind: str
    intents: tuple[str, ...] = ()
    match: Match | None = None
    terms: tuple[str, ...] = ()  # for "not_covered": the question's words nothing covers


@dataclass(frozen=True, slots=True)
class Decision:
    """What the bands make of a ranking: "answer" one intent, "suggest" options, or "miss"."""

    kind: str
    options: tuple[IntentScore, ...] = ()


def decide(ranking: Sequence[IntentScore], bands: Bands) -> Decision:
    """Apply the confidence bands to a ranking of answerable intents (best first)."""
    if not ranking:
        return Decision("miss")
    top = ranking[0]
    runner_up = ranking[1].confidence if len(ranking) > 1 else 0.0
    if (top.confidence >= bands.answer and top.confidence - runner_up >= bands.margin
            and not top.storied):  # covered only by reading a purpose as story: offered
        return Decision("answer", (top,))
    options = tuple(s for s in ranking[: bands.max_suggestions] if s.confidence >= bands.suggest)
    return Decision("suggest", options) if options else Decision("miss")


class Router:
    """Chooses one handler per turn and runs it."""

    def __init__(
        self,
        handlers: Iterable[IntentHandler],
        misses: MissPolicy,
        bands: Bands | None = None,
        interrupts: Iterable[str] = (),
        never_offer: Iterable[str] = ("out_of_scope",),
        before: Iterable[Callable[[Turn], Awaitable[None]]] = (),
        observe: Callable[[str], None] | None = None,
        table: RouteTable | None = None,
        is_article: Callable[[str], bool] = lambda intent: False,
    ) -> None:
        self._table = table  # knowledge/routing.yaml: which wins when an article and an action fit
        self._is_article = is_article
        self._handlers = list(handlers)
        self._observe = observe or (lambda band: None)  # metrics: how each turn was routed
        self._before = list(before)  # e.g. join a support ticket opened on another channel
        self._never_offer = set(never_offer)  # "out of scope" is not an option worth offering
        self._misses = misses
        self.bands = bands or Bands()
        self._interrupts = set(interrupts)

    @property
    def handlers(self) -> Sequence[IntentHandler]:
        """Return the registered handlers in priority order."""
        return self._handlers

    def handler_for(self, intent: str) -> IntentHandler | None:
        """Return the handler that owns `intent`."""
        return next((h for h in self._handlers if h.handles(intent)), None)

    def _flow(self, turn: Turn) -> FlowHandler | None:
        name = turn.session.flow
        if not name:  # most turns: no flow, and no Protocol check (about 20 us each)
            return None
        handler = next((h for h in self._handlers if h.name == name), None)
        return handler if isinstance(handler, FlowHandler) else None

    async def dispatch(self, turn: Turn) -> Result:
        """Run the turn, then any follow-up a handler asked for (at most a few, in order)."""
        for hook in self._before:
            await hook(turn)
        result = await self._dispatch_once(turn)
        for _ in range(3):
            if turn.follow_up is None:
                break
            turn.payload, turn.follow_up = turn.follow_up, None
            result += await self._dispatch_payload(turn, turn.payload, self._flow(turn))
        return result

    async def _dispatch_once(self, turn: Turn) -> Result:
        """Run the turn through payloads, interrupts, the active flow, rules and the matcher."""
        flow = self._flow(turn)
        self._misses.followed(turn)
        if turn.payload is not None:
            return await self._dispatch_payload(turn, turn.payload, flow)
        interrupts = () if flow is not None and getattr(flow, "blocks_interrupts", False) else (
            self._interrupts
        )
        for handler in self._handlers:
            if handler.name in interrupts and (m := handler.match(turn)):
                return self._resume(turn, flow, await handler.handle(turn, m))
        if flow is not None:
            if utcnow() - (turn.session.flow_started_at or utcnow()) > flow.timeout:
                expired = flow.expired(turn)
                turn.session.end_flow()
                return (await self._route(turn)).first(expired)
            stepped = await flow.step(turn)
            if stepped is not None:
                return stepped
            return (await self._route(turn)).then(flow.reprompt(turn))
        return await self._route(turn)

    async def _dispatch_payload(
        self, turn: Turn, raw: str, flow: FlowHandler | None
    ) -> Result:
        tapped = Payload.parse(raw)
        name, argument = tapped.name, tapped.argument
        if flow is not None and name == flow.name:
            stepped = await flow.step(turn)
            if stepped is not None:
                return stepped
        handler = self.handler_for(name)
        if handler is None:
            logger.warning("Choice payload %r has no handler", name)
            return Result(tuple(self._misses.miss(turn)))
        if (isinstance(handler, FlowHandler) and turn.session.flow != handler.name
                and handler.is_answer(argument)):
            return self._stale(turn, handler)
        entities = {"argument": argument} if argument else {}
        return self._resume(turn, flow, await handler.handle(turn, Match(100.0, name, entities)))

    @staticmethod
    def _stale(turn: Turn, flow: IntentHandler) -> Result:
        """Answer a button of a question that is over, offering to start that task again."""
        text = turn._("That button belongs to an earlier question that is already closed. "
                      "Would you like to start \"%(task)s\" again?",
                      task=flow.title(flow.name, turn))
        return Result((ChoicesReply(text, (Choice(turn._("Yes, start again"), flow.name),
                                           Choice(turn._("No, back to the menu"), "menu"))),))

    @staticmethod
    def _resume(turn: Turn, flow: FlowHandler | None, result: Result) -> Result:
        """After an interruption that left the flow running, ask the flow's question again."""
        if flow is not None and turn.session.flow == flow.name:
            return result.then(flow.reprompt(turn))
        return result

    def plan(self, turn: Turn) -> Plan:
        """Decide, without running any handler, how a typed message that no flow took is met."""
        rules = [m for h in self._handlers if (m := h.match(turn)) is not None]
        best = max(rules, key=lambda m: m.score) if rules else None
        if best is not None and self.handler_for(best.intent) is None:
            best = None
        ranking = [s for s in turn.nlu.ranking if self.handler_for(s.name) is not None]
        routed = self._by_table(turn, best, ranking)
        if routed is not None:
            return routed
        if best is not None:
            return Plan("rule", (best.intent,), best)
        decision = decide(ranking, self.bands)
        options = tuple(o.name for o in decision.options if o.name not in self._never_offer)
        first = decision.options[0] if decision.options else None
        if first is not None and first.uncovered:
            # Coverage before assertion: never answer (or first offer) an article that leaves
            # a salient word of the question uncovered; say so and offer what is close.
            # ("habari za kcaa": a greeting is close in words, but no topic to offer)
            close = tuple(s.name for s in ranking[: self.bands.max_suggestions]
                          if s.name not in self._never_offer and self._is_topic(s.name)
                          and (s is first or s.confidence >= self.bands.suggest))
            if not close:
                return Plan("miss")  # the honest "no answer" (and where to go, when known)
            return Plan("not_covered", close, terms=first.uncovered)
        if decision.kind == "answer":
            top = decision.options[0]
            return Plan("answer", (top.name,), Match(top.confidence * 100, top.name))
        if decision.kind == "suggest" and options:
            return Plan("suggest", options)
        return Plan("miss")

    def _by_table(self, turn: Turn, best: Match | None,
                  ranking: Sequence[IntentScore]) -> Plan | None:
        """Apply the routing table when it turns the choice from the natural winner."""
        top = best.intent if best is not None else (ranking[0].name if ranking else None)
        if self._table is None or top is None or top in self._never_offer:
            return None
        ranked = tuple(s.name for s in ranking
                       if s.confidence >= self.bands.suggest and s.name not in self._never_offer)
        has_reference = any(e.entity == "reference" for e in turn.nlu.entities)
        chosen = self._table.choose(turn.text, has_reference,
                                    Candidates(top, ranked, self._is_article))
        if chosen is None:
            return None
        rule, picks = chosen
        scores = {s.name: s for s in ranking}
        if len(picks) > 1:
            return self._both(best, ranking, picks, scores)
        pick = picks[0]
        if pick == top:
            return None  # the table agrees with the bands and rules: let them decide
        score = scores.get(pick)
        if score is not None and score.uncovered:
            # a general cue ("how", a story) turned the choice to a side that does not cover
            # the question: the natural winner stays offered beside it, never dropped
            general = rule.prefer in (ANY_ARTICLE, ANY_ACTION) and self._is_topic(top)
            return Plan("not_covered", (pick, top) if general else (pick,),
                        terms=score.uncovered)
        if score is None and ranking and ranking[0].uncovered:
            # the pick is not even ranked: nothing says it covers what the best match leaves
            # uncovered ("nssf statement" asked with "how"), so honesty comes first
            return Plan("not_covered", (pick,), terms=ranking[0].uncovered)
        if score is not None and score.storied:
            return Plan("suggest", (pick, top))  # covered only by reading a purpose as story
        if (rule.prefer in (ANY_ARTICLE, ANY_ACTION)
                and (score is None or score.confidence < self.bands.answer)):
            return Plan("suggest", (pick, top))  # a general cue, a weak match: offer both
        return Plan("answer", (pick,), Match(100.0, pick))

    def _both(self, best: Match | None, ranking: Sequence[IntentScore], picks: tuple[str, ...],
              scores: Mapping[str, IntentScore]) -> Plan | None:
        """Offer both sides of a rule, as honestly as one: coverage first, a weak match not."""
        if best is None and ranking and ranking[0].confidence < self.bands.suggest:
            return None  # nothing fits well enough to offer: the bands say so
        missing = next((scores[p].uncovered for p in picks
                        if p in scores and scores[p].uncovered), ())
        if missing:  # "how to apply for a bursary": the article does not cover what is asked
            return Plan("not_covered", picks, terms=missing)
        first = scores.get(picks[0])
        if (best is None and first is not None and first is ranking[0]
                and first.confidence >= self.bands.answer and not first.storied):
            return None  # the first side is the confident best match: the bands answer it
        return Plan("suggest", picks)

    async def _route(self, turn: Turn) -> Result:
        """Answer from rule matches, then from the matcher's ranking with confidence bands."""
        planned = self.plan(turn)
        if planned.kind in ("rule", "answer") and planned.match is not None:
            handler = self.handler_for(planned.match.intent)
            assert handler is not None  # plan() only names intents that have a handler
            self._observe(planned.kind)
            return await handler.handle(turn, planned.match)
        if planned.kind == "suggest":
            self._observe("did_you_mean")
            return Result(tuple(self._misses.did_you_mean(turn, self._titled(turn, planned))))
        if planned.kind == "not_covered":
            self._observe("not_covered")
            return Result(tuple(self._misses.not_covered(turn, self._titled(turn, planned),
                                                         planned.terms)))
        self._observe("fallback")
        return Result(tuple(self._misses.miss(turn)))

    def _is_topic(self, intent: str) -> bool:
        handler = self.handler_for(intent)
        return handler is not None and handler.topic

    def _titled(self, turn: Turn, planned: Plan) -> list[tuple[str, str]]:
        """Return the plan's options as (title, payload) pairs in the turn's language."""
        titled = []
        for intent in planned.intents:
            handler = self.handler_for(intent)
            if handler is not None:
                titled.append((handler.title(intent, turn), _payload_for(handler, intent)))
        return titled


def _payload_for(handler: IntentHandler, intent: str) -> str:
    """Build the choice payload that leads straight to `intent`."""
    return intent if intent == handler.name else payload(handler.name, intent)
