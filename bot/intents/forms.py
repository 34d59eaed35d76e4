"""Multi-step flows: steps return declared transitions that one place applies.

A step reads the citizen's answer and returns what should happen, never changing the state
itself: `Next(state)` moves on (the failure count starts again), `Stay(problem)` explains
and asks again (a failure counts; the third offers a person), `End(...)` finishes. `None`
means the message is not an answer (a question): the router answers it, then re-asks. Each
form declares its edges; applying an undeclared one is a bug, and a test walks every edge.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from bot.core.messages import Choice, ChoicesReply, Reply, TextReply
from bot.core.results import Event, Result
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.core.vocabulary import vocabulary

MAX_FAILURES = 3
START = "start"  # where every flow comes from: edges out of it are its entry states
END = "end"  # where every flow goes: a finished, declined or abandoned flow
_FAILURES = "_failures"
_QUESTION_MARK = re.compile(r"\?\s*$")


def looks_like_question(turn: Turn) -> bool:
    """Return True when the citizen seems to ask something rather than answer the form."""
    return bool(_QUESTION_MARK.search(turn.text)) or vocabulary().starts("question").matches(
        turn.text)


def yes_no(turn: Turn) -> bool | None:
    """Read a typed yes or no in English or Swahili; None when it is neither."""
    words = vocabulary()
    if words.starts("yes").matches(turn.text):
        return True
    if words.starts("no").matches(turn.text):
        return False
    return None


@dataclass(frozen=True, slots=True)
class Next:
    """Go to `state`: say `said`, then ask the state's question unless `ask` is False."""

    state: str
    said: Sequence[Reply] = ()
    ask: bool = True


@dataclass(frozen=True, slots=True)
class Stay:
    """The answer cannot be used: explain `problem` and ask again (a failure counts)."""

    problem: str


@dataclass(frozen=True, slots=True)
class End:
    """The flow is over: say `said`; report `events`."""

    said: Sequence[Reply] = ()
    events: Sequence[Event] = ()


Transition = Next | Stay | End
Step = Callable[[Turn], Awaitable[Transition | None]]
Prompt = Callable[[Turn], list[Reply]]


class UndeclaredTransition(RuntimeError):
    """A step returned a transition its form does not declare (a bug, never the citizen's)."""


@dataclass(frozen=True, slots=True)
class Edges:
    """A form's declared transitions: for each state, the states it may go to."""

    table: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, targets: Mapping[str, Sequence[str]]) -> Edges:
        """Declare edges as `{state: [next, ...]}`.

        List the state itself where an answer can be refused (it is asked again, and after
        the last failure the flow ends: list END too).
        """
        return cls({source: frozenset(nexts) for source, nexts in targets.items()})

    def allows(self, source: str, target: str) -> bool:
        """Return True when the form declares `source` -> `target`."""
        return target in self.table.get(source, frozenset())

    def all(self) -> set[tuple[str, str]]:
        """Return every declared edge."""
        return {(source, target) for source, targets in self.table.items() for target in targets}


class Form:
    """A multi-step flow driven by a state table; subclasses fill `states`, `prompts`, `edges`.

    `cancel`/`ghairi` and the menu are handled by the router's interrupts; a flow left idle
    longer than `timeout` ends politely at the next message.
    """

    name = ""
    title_msgid = ""
    topic = True
    timeout = timedelta(minutes=15)
    states: Mapping[str, Step]
    prompts: Mapping[str, Prompt]
    edges: Edges
    answers: frozenset[str] = frozenset()  # arguments of the buttons its questions show
    answer_prefixes: tuple[str, ...] = ()

    def handles(self, intent: str) -> bool:
        """Return True for this flow's own name."""
        return intent == self.name

    def title(self, intent: str, turn: Turn) -> str:
        """Return the translated title of the flow."""
        return turn.t.gettext(self.title_msgid)

    def match(self, turn: Turn) -> Match | None:
        """Forms start from the matcher or a tapped choice, never from a rule."""
        return None

    async def step(self, turn: Turn) -> Result | None:
        """Run the current state's step and apply the transition it returns."""
        step = self.states.get(turn.session.state or "")
        if step is None:
            turn.session.end_flow()
            return None
        transition = await step(turn)
        return None if transition is None else self.apply(turn, transition)

    def begin(self, turn: Turn) -> None:
        """Start the flow afresh, its earlier answers forgotten; `apply` the entry next."""
        turn.session.start_flow(self.name, START)

    def apply(self, turn: Turn, transition: Transition) -> Result:
        """Check the transition against the declared edges and carry it out."""
        session = turn.session
        source = session.state or START
        target = (transition.state if isinstance(transition, Next)
                  else source if isinstance(transition, Stay) else END)
        if not self.edges.allows(source, target):
            raise UndeclaredTransition(f"{self.name}: {source} -> {target}")
        if isinstance(transition, Stay):
            return self._failed(turn, source, transition.problem)
        turn.transitions.append((self.name, source, target))
        if isinstance(transition, End):
            session.end_flow()
            return Result(tuple(transition.said), tuple(transition.events))
        session.state = target
        session.slots[_FAILURES] = 0
        asked = self.prompts[target](turn) if transition.ask else []
        return Result((*transition.said, *asked))

    def _failed(self, turn: Turn, state: str, problem: str) -> Result:
        """Count a failure: explain and ask again, or after the last one offer a person."""
        failures = int(turn.session.slots.get(_FAILURES, 0)) + 1
        if failures >= MAX_FAILURES:
            turn.transitions.append((self.name, state, END))
            turn.session.end_flow()
            return Result((give_up_offer(turn),))
        turn.session.slots[_FAILURES] = failures
        turn.transitions.append((self.name, state, state))
        return Result((TextReply(problem), *self.prompts[state](turn)))

    def is_answer(self, argument: str) -> bool:
        """Return True when `argument` is a button of one of this form's own questions."""
        return argument in self.answers or argument.startswith(self.answer_prefixes)

    def reprompt(self, turn: Turn) -> list[Reply]:
        """Ask the current state's question again."""
        prompt = self.prompts.get(turn.session.state or "")
        return prompt(turn) if prompt else []

    def expired(self, turn: Turn) -> list[Reply]:
        """Say that the unfinished flow was dropped."""
        return [TextReply(turn._(
            "We did not finish \"%(task)s\" in time, so I have stopped it. You can start "
            "again whenever you like.", task=self.title(self.name, turn)))]


def give_up_offer(turn: Turn) -> ChoicesReply:
    """Offer a person after repeated failures."""
    return ChoicesReply(
        turn._("That still did not work, sorry. Would you like help from a person?"),
        (Choice(turn._("Yes, talk to a person"), "talk_to_human"),
         Choice(turn._("No, back to the menu"), "menu")),
    )


CANCEL_HINT = N_("(Write \"cancel\" to stop.)")
