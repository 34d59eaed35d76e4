"""What every Msaidizi action shares: the runtime from the container, replay, common slots."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from bot.actions.calls import Call
from bot.actions.container import container
from bot.actions.turns import Events, replay
from bot.core.session import Session
from bot.intents.account import current_auth


class MsaidiziAction(Action, ABC):  # type: ignore[misc]
    """An action answered by Msaidizi's runtime; a retried call gets the same answer again."""

    replayable = True  # prompts that change nothing need no replay

    @abstractmethod
    def name(self) -> str:
        """Return the action's name in the Rasa domain."""

    @abstractmethod
    async def answer(self, call: Call, dispatcher: Any) -> Events:
        """Answer the call through the dispatcher, keep the answer, and return the events."""

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> Events:
        """Replay the answer to a retried call, or answer it."""
        runtime = await container.ready()
        call = Call(self.name(), tracker, runtime)
        if self.replayable and (kept := await replay(call)) is not None:
            responses, events = kept
            dispatcher.messages.extend(responses)
            return events
        return await self.answer(call, dispatcher)


def conversation_slots(session: Session) -> Events:
    """Return the slots every action keeps up to date: signed in or not, and the language."""
    linked = current_auth(session) is not None
    return [SlotSet("linked", linked), SlotSet("language", session.locale)]
