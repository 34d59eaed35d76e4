"""Rasa custom actions that run a turn through the same handlers as every other channel.

Each action turns the tracker into an `InboundMessage` from channel "rasa": a tap of the
payload the action stands for (or of the button the citizen tapped), with the typed words.
The conversation core then does what it does for Telegram or the web chat: session, sign-in,
backend calls, translations and state, stored under `rasa:<sender>`.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk.events import FollowupAction, SlotSet

from bot.actions.base import MsaidiziAction, conversation_slots
from bot.actions.calls import LISTEN, Call
from bot.actions.names import (
    LINK_FORM,
    LINK_SLOTS,
    LINK_STATE,
    REPORT_SLOTS,
    REPORT_STATE,
    RESUME,
)
from bot.actions.render import ticket_of, utter
from bot.actions.turns import Events, follow_language, logged_turn, pushed_since, save_answer
from bot.core.backend import BackendError
from bot.core.messages import Reply
from bot.core.routing import parse_payload
from bot.core.session import Session
from bot.intents.account import current_auth
from bot.intents.check_status import CheckStatusIntent
from bot.intents.forms import Form
from bot.intents.link_account import LinkAccountFlow
from bot.intents.menu import main_menu

DEACTIVATE = "action_deactivate_loop"


class HandlerAction(MsaidiziAction):
    """Run the latest message through the conversation core as a tap of this action's payload."""

    @abstractmethod
    def payload(self, call: Call) -> str | None:
        """Return the choice payload this action stands for (None: let the core read the words)."""

    async def slots(self, call: Call, session: Session, choice: str | None,
                    replies: list[Reply]) -> Events:
        """Return the events this action adds after the turn."""
        return []

    async def answer(self, call: Call, dispatcher: Any) -> Events:
        """Run the turn, hand sign-in over to Rasa's form, reply and set the slots."""
        before = await call.runtime.store.load_by_id(call.conversation_id)
        tapped = call.tapped()
        if tapped is None and before is not None and before.flow is not None:
            choice = None  # a flow is waiting for an answer: it reads the words first
        else:
            choice = tapped or self.payload(call)
        message = call.message(choice)
        pushed, _ = await pushed_since(call, before) if before else ([], 0)
        await follow_language(call, message)
        replies = await call.runtime.handle(message)
        replies, handover = await hand_over_sign_in(call, replies)
        session = await call.session()
        extra = await self.slots(call, session, choice, replies)
        if handover:  # the form comes next, not what the action would have done after
            extra = [e for e in extra if e.get("event") != "followup"]
        events = [*conversation_slots(session), *extra, *handover]
        utter(dispatcher, [*pushed, *replies])
        await save_answer(call, list(dispatcher.messages), events)
        return events


async def hand_over_sign_in(call: Call, replies: list[Reply]) -> tuple[list[Reply], Events]:
    """Let Rasa's link_account_form do the sign-in the core just asked for.

    The core starts its own link flow when an action needs a signed-in citizen. On Rasa the
    form asks instead (in the same words), so the flow's question is dropped, the flow ends,
    and the action to carry on with is kept for action_link_account.
    """
    runtime = call.runtime
    async with runtime.locks.hold(call.conversation_id):
        session = await call.session()
        flow = runtime.router.handler_for(LinkAccountFlow.name)
        if not isinstance(flow, Form) or session.flow != flow.name:
            return replies, []
        prompt = flow.prompts.get(session.state or "")
        asked = prompt(call.turn(session)) if prompt else []
        session.data[RESUME] = str(session.slots.get("resume") or "")
        session.end_flow()
        session.choices = []
        await runtime.store.save_session(session)
    return [r for r in replies if r not in asked], [FollowupAction(LINK_FORM)]


def carry_on(call: Call) -> Events:
    """Go back to an interrupted form, or wait for the citizen (safe as Rasa's core fallback)."""
    loop = (call.tracker.active_loop or {}).get("name")
    return [FollowupAction(loop or LISTEN)]


class ActionCheckStatus(HandlerAction):
    """Where is my application? One reference, or the list of the citizen's applications."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_check_status"

    def payload(self, call: Call) -> str:
        """Tap "check_status:<reference>" when a reference was given, else list them."""
        reference = call.entity("reference") or call.slot("application_reference")
        return f"check_status:{reference}" if reference else "check_status"

    async def slots(self, call: Call, session: Session, choice: str | None,
                    replies: list[Reply]) -> Events:
        """Consume `application_reference` and set `application_status` when one was shown."""
        events = [SlotSet("application_reference", None)]
        name, reference = parse_payload(choice or "")
        auth = current_auth(session)
        backend = call.runtime.backend
        if name == CheckStatusIntent.name and reference and auth and backend:
            try:
                application = await backend.application(auth, reference)
            except BackendError:
                return events
            events.append(SlotSet("application_status", application.status))
        return events


class ActionStartPayment(HandlerAction):
    """Pay a bill: the summary with buttons, then the M-Pesa prompt on "start_payment:confirm"."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_start_payment"

    def payload(self, call: Call) -> str:
        """Tap "start_payment:<reference>" when a bill reference was given."""
        reference = call.entity("reference")
        return f"start_payment:{reference}" if reference else "start_payment"


class ActionPaymentHistory(HandlerAction):
    """The latest payments, each with its receipt."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_payment_history"

    def payload(self, call: Call) -> str:
        """Tap "payment_history"."""
        return "payment_history"


class ActionEscalate(HandlerAction):
    """Bring in a person from eCitizen support (or say how to reach one)."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_escalate"

    def payload(self, call: Call) -> str:
        """Tap "talk_to_human"."""
        return "talk_to_human"

    async def slots(self, call: Call, session: Session, choice: str | None,
                    replies: list[Reply]) -> Events:
        """Set `ticket` when a support ticket was opened."""
        ticket = ticket_of(replies)
        return [SlotSet("ticket", ticket)] if ticket else []


class ActionMsaidizi(HandlerAction):
    """Let Msaidizi answer the latest message exactly as on any other channel."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_msaidizi"

    def payload(self, call: Call) -> str | None:
        """Send the typed words: the core routes them (small talk, menu, language, flows)."""
        return None

    async def answer(self, call: Call, dispatcher: Any) -> Events:
        """Answer like any channel; right after Rasa cancelled a form, confirm it instead."""
        if call.tracker.latest_action_name == DEACTIVATE:
            return await cancelled_form(call, dispatcher)
        return await super().answer(call, dispatcher)

    async def slots(self, call: Call, session: Session, choice: str | None,
                    replies: list[Reply]) -> Events:
        """Go back to an interrupted form, or listen."""
        return carry_on(call)


class ActionAnswerFaq(HandlerAction):
    """Answer the FAQ article Rasa chose: the intent (our NLU names articles) or `article`."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_answer_faq"

    def payload(self, call: Call) -> str | None:
        """Tap "faq:<article>"; without an article, let the core read the words."""
        knowledge = call.runtime.knowledge
        for candidate in (call.intent, call.slot("article")):
            if candidate and knowledge.article(str(candidate), "en") is not None:
                return f"faq:{candidate}"
        return None

    async def slots(self, call: Call, session: Session, choice: str | None,
                    replies: list[Reply]) -> Events:
        """Consume `article`, then go back to an interrupted form or listen."""
        return [SlotSet("article", None), *carry_on(call)]


async def cancelled_form(call: Call, dispatcher: Any) -> Events:
    """Forget a cancelled form's answers and offer the menu, as "cancel" does in the chat."""
    async with logged_turn(call, dispatcher, inbound_text=call.text, inbound=True) as logged:
        for key in (LINK_STATE, REPORT_STATE, RESUME):
            logged.session.data.pop(key, None)
        logged.say([main_menu(logged.turn, logged.turn._(
            "Cancelled. What else can I help you with?"))])
        logged.events = [*conversation_slots(logged.session),
                         *(SlotSet(slot, None) for slot in (*LINK_SLOTS, *REPORT_SLOTS))]
    return logged.events
