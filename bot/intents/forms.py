"""Shared machinery of multi-step flows: one state table, re-prompts, failures, time-outs."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from bot.core.messages import Choice, ChoicesReply, Reply, TextReply
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn

Step = Callable[[Turn], Awaitable[list[Reply] | None]]
Prompt = Callable[[Turn], list[Reply]]

MAX_FAILURES = 3
_FAILURES = "_failures"
_QUESTION = re.compile(
    r"\?\s*$|^(how|what|where|when|why|which|who|can|do|does|is|are|jinsi|vipi|nini|wapi|"
    r"lini|kwa nini|je|naweza|unaweza|ni nini)\b",
    re.IGNORECASE,
)
_YES = re.compile(r"^(yes|yeah|yep|ok|okay|sure|ndio|ndiyo|sawa|poa|yes please|agree|"
                  r"nakubali|i agree|kubali|fiti)\b", re.IGNORECASE)
_NO = re.compile(r"^(no|nope|hapana|la|sitaki|i do not|i don't|dont|don't|decline|"
                 r"sikubali|no thanks)\b", re.IGNORECASE)


def looks_like_question(turn: Turn) -> bool:
    """Return True when the citizen seems to ask something rather than answer the form."""
    return bool(_QUESTION.search(turn.text))


def yes_no(turn: Turn) -> bool | None:
    """Read a typed yes or no in English or Swahili; None when it is neither."""
    if _YES.search(turn.text):
        return True
    if _NO.search(turn.text):
        return False
    return None


class Form:
    """A multi-step flow driven by a state table; subclasses fill `states` and `prompts`.

    `cancel`/`ghairi` and the menu are handled by the router's interrupts; a flow left idle
    longer than `timeout` ends politely at the next message.
    """

    name = ""
    title_msgid = ""
    timeout = timedelta(minutes=15)
    states: Mapping[str, Step]
    prompts: Mapping[str, Prompt]

    def handles(self, intent: str) -> bool:
        """Return True for this flow's own name."""
        return intent == self.name

    def title(self, intent: str, turn: Turn) -> str:
        """Return the translated title of the flow."""
        return turn.t.gettext(self.title_msgid)

    def match(self, turn: Turn) -> Match | None:
        """Forms start from the matcher or a tapped choice, never from a rule."""
        return None

    async def step(self, turn: Turn) -> list[Reply] | None:
        """Run the current state's step."""
        step = self.states.get(turn.session.state or "")
        if step is None:
            turn.session.end_flow()
            return None
        return await step(turn)

    def reprompt(self, turn: Turn) -> list[Reply]:
        """Ask the current state's question again."""
        prompt = self.prompts.get(turn.session.state or "")
        return prompt(turn) if prompt else []

    def expired(self, turn: Turn) -> list[Reply]:
        """Say that the unfinished flow was dropped."""
        return [TextReply(turn._(
            "We did not finish \"%(task)s\" in time, so I have stopped it. You can start "
            "again whenever you like.", task=self.title(self.name, turn)))]

    def goto(self, turn: Turn, state: str) -> list[Reply]:
        """Move to `state` and ask its question."""
        turn.session.state = state
        turn.session.slots[_FAILURES] = 0
        return self.prompts[state](turn)

    def begin(self, turn: Turn, state: str) -> list[Reply]:
        """Start the flow at `state`."""
        turn.session.start_flow(self.name, state)
        return self.goto(turn, state)

    def retry(self, turn: Turn, problem: str) -> list[Reply]:
        """Explain what was wrong and ask again; after repeated failures offer a person."""
        failures = int(turn.session.slots.get(_FAILURES, 0)) + 1
        turn.session.slots[_FAILURES] = failures
        if failures >= MAX_FAILURES:
            turn.session.end_flow()
            return [ChoicesReply(
                turn._("That still did not work, sorry. Would you like help from a person?"),
                (Choice(turn._("Yes, talk to a person"), "talk_to_human"),
                 Choice(turn._("No, back to the menu"), "menu")),
            )]
        return [TextReply(problem), *self.prompts[turn.session.state or ""](turn)]


CANCEL_HINT = N_("(Write \"cancel\" to stop.)")
