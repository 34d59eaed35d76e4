"""Rasa custom actions: each one is a message for the conversation core, and its result as events.

An action says which choice it stands for (`check_status:<reference>`, `faq:<article>`...);
the core takes it unless a flow of Msaidizi's is waiting for an answer, in which case the
flow reads the words first (linking, a security report, a payment). Multi-step flows run in
Msaidizi's own form engine, so Rasa needs no forms and every channel behaves the same.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from bot.actions.calls import Call
from bot.actions.container import container
from bot.actions.render import utter
from bot.core.payloads import payload
from bot.core.results import PaymentStarted, ReportFiled, StatusShown, TicketOpened, TurnResult

Events = list[dict[str, Any]]


class MsaidiziAction(Action, ABC):  # type: ignore[misc]
    """Run the latest message through the conversation core; map its result to Rasa events."""

    action_name = ""
    consumes: tuple[str, ...] = ()  # slots this action reads and clears

    def name(self) -> str:
        """Return the action's name in the Rasa domain."""
        return self.action_name

    @abstractmethod
    def suggest(self, call: Call) -> str | None:
        """Return the choice this action stands for (None: let the core read the words)."""

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> Events:
        """Answer through the core (one locked turn), then say it and set the slots."""
        runtime = await container.ready()
        call = Call(self.name(), tracker, lambda n: runtime.router.handler_for(n) is not None,
                    lambda a: runtime.knowledge.article(a, "en") is not None)
        result = await runtime.handle(call.message(self.suggest(call)))
        utter(dispatcher, [*result.pushed, *result.replies])
        return [*(SlotSet(slot, None) for slot in self.consumes), *slots_of(result)]


def slots_of(result: TurnResult) -> Events:
    """Return the slots a turn's result sets: language, sign-in, flow, and what happened."""
    events: Events = [SlotSet("language", result.locale), SlotSet("linked", result.linked),
                      SlotSet("flow", result.flow)]
    if shown := result.event(StatusShown):
        events.append(SlotSet("application_status", shown.status))
    if ticket := result.event(TicketOpened):
        events.append(SlotSet("ticket", ticket.number))
    if filed := result.event(ReportFiled):
        events.append(SlotSet("report_reference", filed.reference))
    if started := result.event(PaymentStarted):
        events.append(SlotSet("payment_status", started.status))
    return events


class ActionMsaidizi(MsaidiziAction):
    """Let Msaidizi answer the latest message exactly as on any other channel."""

    action_name = "action_msaidizi"

    def suggest(self, call: Call) -> str | None:
        """Suggest nothing: the core reads the words (small talk, menu, language, flows)."""
        return None


class ActionAnswerFaq(MsaidiziAction):
    """Answer the FAQ article Rasa chose: the intent (our NLU names articles) or `article`."""

    action_name = "action_answer_faq"
    consumes = ("article",)

    def suggest(self, call: Call) -> str | None:
        """Choose "faq:<article>" when the intent or the `article` slot names one."""
        for candidate in (call.intent, call.slot("article")):
            if candidate and call.is_article(str(candidate)):
                return payload("faq", candidate)
        return None


class ActionCheckStatus(MsaidiziAction):
    """Where is my application? One reference, or the list of the citizen's applications."""

    action_name = "action_check_status"
    consumes = ("application_reference",)

    def suggest(self, call: Call) -> str:
        """Choose "check_status:<reference>" when a reference was given, else list them."""
        reference = call.entity("reference") or call.slot("application_reference")
        return payload("check_status", reference) if reference else "check_status"


class ActionStartPayment(MsaidiziAction):
    """Pay a bill: the summary with buttons, then the M-Pesa prompt on "start_payment:confirm"."""

    action_name = "action_start_payment"

    def suggest(self, call: Call) -> str:
        """Choose "start_payment:<reference>" when a bill reference was given."""
        reference = call.entity("reference")
        return payload("start_payment", reference) if reference else "start_payment"


class ActionPaymentHistory(MsaidiziAction):
    """The latest payments, each with its receipt."""

    action_name = "action_payment_history"

    def suggest(self, call: Call) -> str:
        """Choose "payment_history"."""
        return "payment_history"


class ActionEscalate(MsaidiziAction):
    """Bring in a person from eCitizen support (or say how to reach one)."""

    action_name = "action_escalate"

    def suggest(self, call: Call) -> str:
        """Choose "talk_to_human"."""
        return "talk_to_human"


class ActionLinkAccount(MsaidiziAction):
    """Link the citizen's eCitizen account: consent, ID number or phone, one-time code."""

    action_name = "action_link_account"

    def suggest(self, call: Call) -> str:
        """Choose "link_account"."""
        return "link_account"


class ActionReportSecurity(MsaidiziAction):
    """Report a security problem: Msaidizi's guided report, filed through the backend."""

    action_name = "action_report_security"

    def suggest(self, call: Call) -> str:
        """Choose "report_security_incident"."""
        return "report_security_incident"
