"""Rasa forms backed by Msaidizi: validators share the chat flows' rules, prompts and failures.

Rasa's form loop asks for each slot (through an `action_ask_<slot>` action, in the
conversation's language) and calls the form's `validate_<form>` action with what the citizen
answered. The validators below work inside one logged turn of the conversation: they read
and change the same session as every other channel, say what was wrong in the citizen's
language, and give up politely (offering a person) after three failures, as the chat does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from bot.actions.base import MsaidiziAction
from bot.actions.calls import Call
from bot.actions.container import container
from bot.actions.render import utter
from bot.actions.turns import Events, Logged, already_prompted, logged_turn, mark_prompted, replay
from bot.core.messages import Choice, ChoicesReply, Reply, TextReply
from bot.core.session import Session
from bot.core.turn import Turn
from bot.intents.forms import MAX_FAILURES, Form
from privacy import mask

FAILURES = "failures"
GAVE_UP = "gave_up"


def give_up_offer(turn: Turn) -> list[Reply]:
    """Offer a person after repeated failures, in the chat flows' words."""
    return [ChoicesReply(
        turn._("That still did not work, sorry. Would you like help from a person?"),
        (Choice(turn._("Yes, talk to a person"), "talk_to_human"),
         Choice(turn._("No, back to the menu"), "menu")),
    )]


@dataclass
class FormWork:
    """One validation call: the logged turn, and this form's progress kept in the session."""

    call: Call
    logged: Logged
    key: str

    @property
    def session(self) -> Session:
        """Return the conversation's session."""
        return self.logged.session

    @property
    def turn(self) -> Turn:
        """Return the turn (its translator speaks the conversation's language)."""
        return self.logged.turn

    @property
    def state(self) -> dict[str, Any]:
        """Return this form's progress (kept in the session, reset when the form starts)."""
        state: dict[str, Any] = self.session.data.setdefault(self.key, {})
        return state

    def reading(self, value: object) -> Turn:
        """Return the turn as if the citizen had typed `value` (for the chat's yes/no rules)."""
        return replace(self.turn, text=str(value))

    def say(self, replies: list[Reply]) -> None:
        """Tell the citizen something now."""
        self.logged.say(replies)

    def ok(self) -> None:
        """Note a valid answer: the failure count starts again."""
        self.state[FAILURES] = 0

    def fail(self, problem: str) -> None:
        """Explain what was wrong; after repeated failures offer a person and stop the form."""
        failures = int(self.state.get(FAILURES, 0)) + 1
        self.state[FAILURES] = failures
        if failures >= MAX_FAILURES:
            self.give_up(give_up_offer(self.turn))
        else:
            self.say([TextReply(problem)])

    def give_up(self, replies: list[Reply]) -> None:
        """Say why the form stops; the form then asks for nothing more."""
        self.state[GAVE_UP] = True
        self.say(replies)

    def prompted(self) -> None:
        """Note that what was just said already asks the next question."""
        mark_prompted(self.call, self.session)


class FormDispatcher(CollectingDispatcher):  # type: ignore[misc]
    """rasa-sdk's dispatcher, carrying the validation call's work to the validators."""

    work: FormWork | None = None


def work_of(dispatcher: Any) -> FormWork:
    """Return the validation call's work from the dispatcher the validators were given."""
    work = getattr(dispatcher, "work", None)
    if not isinstance(work, FormWork):
        raise TypeError("Msaidizi validators run only inside MsaidiziForm.run")
    return work


class MsaidiziForm(FormValidationAction, ABC):  # type: ignore[misc]
    """A form validation action whose validators share one logged turn of the conversation."""

    state_key = ""

    @abstractmethod
    def name(self) -> str:
        """Return `validate_<form name>`."""

    def logged_text(self, call: Call) -> str:
        """Return the citizen's message as it is logged (masked)."""
        return mask(call.text)

    async def started(self, work: FormWork) -> Events:
        """Begin a new run of the form; return extra events."""
        work.session.data[self.state_key] = {}
        return []

    def starting(self, call: Call) -> bool:
        """Return True when Rasa is activating the form (it is not the active loop yet)."""
        active: dict[str, Any] = call.tracker.active_loop or {}
        return bool(active.get("name") != self.form_name())

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> Events:
        """Validate within one logged turn; a retried call gets the same answer again."""
        runtime = await container.ready()
        call = Call(self.name(), tracker, runtime)
        if (kept := await replay(call)) is not None:
            dispatcher.messages.extend(kept[0])
            return kept[1]
        inner = FormDispatcher()
        starting = self.starting(call)
        answered = starting or bool(tracker.slots_to_validate())
        async with logged_turn(call, inner, inbound_text=self.logged_text(call),
                               inbound=answered) as logged:
            inner.work = FormWork(call, logged, self.state_key)
            extra = await self.started(inner.work) if starting else []
            events: Events = [*await super().run(inner, tracker, domain), *extra]
            logged.events = events
        dispatcher.messages.extend(inner.messages)
        return events


class AskAction(MsaidiziAction):
    """Ask for a form's slot with the chat flow's own question, in the conversation's language."""

    replayable = False  # asking changes nothing
    flow = ""
    state = ""

    async def answer(self, call: Call, dispatcher: Any) -> Events:
        """Ask, unless the answer to the latest message already asked."""
        session = await call.session()
        if already_prompted(call, session):
            return []
        handler = call.runtime.router.handler_for(self.flow)
        prompt = handler.prompts.get(self.state) if isinstance(handler, Form) else None
        if prompt is not None:
            utter(dispatcher, prompt(call.turn(session)))
        return []
