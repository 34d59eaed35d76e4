"""Report a security problem in Rasa: security_report_form and action_file_security_report.

The form asks the chat flow's questions (category, what happened, when, an optional
reference, and, when signed in, anonymous or not), takes corrections such as "no, it was
yesterday", and files through the backend with an idempotency key made of the conversation
and the form run. When the backend is down the report is kept in the runtime's report outbox
and filed when it is back, exactly as in the chat.
"""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk.events import FollowupAction, SlotSet

from bot.actions.base import MsaidiziAction, conversation_slots
from bot.actions.calls import Call
from bot.actions.forms import GAVE_UP, AskAction, FormWork, MsaidiziForm, work_of
from bot.actions.names import REPORT_FORM, REPORT_SLOTS, REPORT_STATE
from bot.actions.render import ticket_of, utter
from bot.actions.shared import (
    SKIPPED,
    category_hint,
    correction,
    payload_argument,
    read_category,
    read_reference,
    report_draft,
    when_slots,
)
from bot.actions.turns import Events, Logged, logged_turn, save_answer
from bot.core.backend import BackendUnavailable, FiledReport, ReportDraft, SignInNeeded
from bot.core.messages import TextReply
from bot.intents.account import current_auth, forget_sign_in
from bot.intents.forms import yes_no
from bot.intents.report_security import ReportSecurityFlow, State, filed_replies
from bot.nlu.when import parse_when
from bot.storage.outbox import SqlReportOutbox
from privacy import mask

FLOW = ReportSecurityFlow.name


def _corrected(work: FormWork) -> str:
    return work.turn._("Thanks, I have corrected it.")


class ValidateSecurityReportForm(MsaidiziForm):
    """Validate each answer with the chat flow's rules; corrections change earlier answers."""

    state_key = REPORT_STATE

    def name(self) -> str:
        """Return the action's name."""
        return "validate_security_report_form"

    async def started(self, work: FormWork) -> Events:
        """Introduce the form and give this run an id (the report's idempotency key)."""
        await super().started(work)
        work.say([TextReply(work.turn._(
            "I will help you report it. It takes a few short questions."))])
        return [SlotSet("report_id", uuid.uuid4().hex)]

    async def required_slots(self, domain_slots: list[str], dispatcher: Any, tracker: Any,
                             domain: Any) -> list[str]:
        """Ask "anonymous or not" only of a signed-in citizen; nothing more after giving up."""
        work = work_of(dispatcher)
        if work.state.get(GAVE_UP):
            return []
        signed_in = current_auth(work.session) is not None
        return [s for s in domain_slots if s != "anonymous" or signed_in]

    async def extract_category(self, dispatcher: Any, tracker: Any,
                               domain: Any) -> dict[str, Any]:
        """Skip the category question when the first message already makes it clear."""
        call = work_of(dispatcher).call
        if not self.starting(call) or tracker.get_slot("category"):
            return {}
        hinted = category_hint(call.text)
        return {"category": hinted} if hinted else {}

    async def validate_category(self, value: Any, dispatcher: Any, tracker: Any,
                                domain: Any) -> dict[str, Any]:
        """Accept a tapped option or words that make the category clear."""
        work = work_of(dispatcher)
        category = read_category(value, FLOW)
        if category is None:
            work.fail(work.turn._("Please choose one of the options."))
        else:
            work.ok()
        return {"category": category}

    async def validate_description(self, value: Any, dispatcher: Any, tracker: Any,
                                   domain: Any) -> dict[str, Any]:
        """Accept a few words (not a tapped button)."""
        work = work_of(dispatcher)
        text = str(value or "").strip()
        if work.call.tapped() is not None or len(text) < 5:
            work.fail(work.turn._("Please describe what happened in a few words."))
            return {"description": None}
        work.ok()
        return {"description": text}

    async def validate_when(self, value: Any, dispatcher: Any, tracker: Any,
                            domain: Any) -> dict[str, Any]:
        """Accept "today", "jana", "3 days ago", 12/11/2026 or "I don't know"."""
        work = work_of(dispatcher)
        when = parse_when(str(value or ""))
        if when is None:
            work.fail(work.turn._(
                "I did not understand the date. You can write \"today\", \"yesterday\", \"3 days "
                "ago\", a date like 12/11/2026, or \"I don't know\"."))
            return {"when": None, "when_day": None}
        work.ok()
        return when_slots(when)

    async def validate_reference(self, value: Any, dispatcher: Any, tracker: Any,
                                 domain: Any) -> dict[str, Any]:
        """Accept a reference or Skip; "no, it was yesterday" corrects an earlier answer."""
        work = work_of(dispatcher)
        text, typed = str(value or ""), work.call.tapped() is None
        if typed and (fixed := correction(text)):
            work.say([TextReply(_corrected(work))])
            return {**fixed, "reference": None}
        declined = typed and yes_no(work.reading(text)) is False
        if payload_argument(value, FLOW) == "skip" or declined:
            work.ok()
            return {"reference": SKIPPED}
        reference = read_reference(text) if typed else None
        if reference is None:
            work.fail(work.turn._("That does not look like a reference: it should be letters and "
                                  "numbers, like SJK4XY12AB."))
            return {"reference": None}
        work.ok()
        return {"reference": reference}

    async def validate_anonymous(self, value: Any, dispatcher: Any, tracker: Any,
                                 domain: Any) -> dict[str, Any]:
        """Accept "With my name" or "Anonymous"; a correction changes an earlier answer."""
        work = work_of(dispatcher)
        answer = payload_argument(value, FLOW)
        if answer in ("named", "anonymous"):
            work.ok()
            return {"anonymous": answer == "anonymous"}
        if work.call.tapped() is None and (fixed := correction(str(value or ""))):
            work.say([TextReply(_corrected(work))])
            return {**fixed, "anonymous": None}
        work.fail(work.turn._("Please choose one of the options."))
        return {"anonymous": None}


class ActionFileSecurityReport(MsaidiziAction):
    """File the report from the form's slots and give its reference (or keep it for later)."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_file_security_report"

    async def answer(self, call: Call, dispatcher: Any) -> Events:
        """File, reset the form's slots, and open the security team's ticket when urgent."""
        slots = {name: call.slot(name) for name in REPORT_SLOTS}
        follow_up = None
        async with logged_turn(call, dispatcher, inbound_text=mask(call.text),
                               inbound=call.first_after_user) as logged:
            state = logged.session.data.pop(REPORT_STATE, {})
            events: Events = [SlotSet(slot, None) for slot in REPORT_SLOTS]
            if state.get(GAVE_UP):
                pass
            elif not (slots["category"] and slots["description"] and slots["report_id"]):
                events.append(FollowupAction(REPORT_FORM))  # nothing to file yet: ask first
            else:
                events.append(SlotSet("report_reference", await file(logged, call, slots)))
                follow_up = logged.turn.follow_up
            events = [*conversation_slots(logged.session), *events]
            logged.events = events
        if follow_up:  # an urgent report brings in the security team (a priority ticket)
            replies = await call.runtime.handle(call.message(follow_up, text="", suffix=":next"))
            utter(dispatcher, replies)
            if ticket := ticket_of(replies):
                events.append(SlotSet("ticket", ticket))
            await save_answer(call, list(dispatcher.messages), events)
        return events


async def file(logged: Logged, call: Call, slots: dict[str, Any]) -> str | None:
    """File through the backend, or keep it in the outbox; return the report's reference."""
    session, turn = logged.session, logged.turn
    draft = report_draft(slots)
    auth = None if draft.anonymous else current_auth(session)
    key = f"{session.conversation_id}:{slots['report_id']}"
    filed: FiledReport | None
    try:
        filed = await _file(call, auth, draft, key)
    except SignInNeeded:
        forget_sign_in(session)
        filed = await _file_or_keep(call, draft, key, None)
    except BackendUnavailable:
        filed = await _file_or_keep(call, draft, key, auth.token if auth else None, retry=False)
    if filed is None:
        logged.say([TextReply(turn._(
            "The reporting service is unavailable right now. Your report is saved and will be "
            "filed as soon as the service is back; I will send you its reference here."))])
        return None
    logged.say(filed_replies(turn, filed))
    return filed.reference


async def _file(call: Call, auth: Any, draft: ReportDraft, key: str) -> FiledReport:
    backend = call.runtime.backend
    if backend is None:
        raise BackendUnavailable("no backend")
    return await backend.file_report(auth, draft, key)


async def _file_or_keep(call: Call, draft: ReportDraft, key: str, token: str | None, *,
                        retry: bool = True) -> FiledReport | None:
    """File anonymously (when `retry`), else keep the report to file when the backend is back."""
    if retry:
        try:
            return await _file(call, None, draft, key)
        except BackendUnavailable:
            pass
    outbox = SqlReportOutbox(call.runtime.engine, call.runtime.sealer)
    await outbox.keep(call.conversation_id, draft, key, token)
    return None


class ActionAskCategory(AskAction):
    """Ask what happened, with the category options."""

    flow, state = FLOW, State.CATEGORY

    def name(self) -> str:
        """Return the action's name."""
        return "action_ask_category"


class ActionAskDescription(AskAction):
    """Ask for a short description (and never a PIN or password)."""

    flow, state = FLOW, State.DESCRIPTION

    def name(self) -> str:
        """Return the action's name."""
        return "action_ask_description"


class ActionAskWhen(AskAction):
    """Ask when it happened."""

    flow, state = FLOW, State.WHEN

    def name(self) -> str:
        """Return the action's name."""
        return "action_ask_when"


class ActionAskReference(AskAction):
    """Ask for a reference, with a Skip button."""

    flow, state = FLOW, State.REFERENCE

    def name(self) -> str:
        """Return the action's name."""
        return "action_ask_reference"


class ActionAskAnonymous(AskAction):
    """Ask whether the report carries the citizen's name."""

    flow, state = FLOW, State.ANONYMOUS

    def name(self) -> str:
        """Return the action's name."""
        return "action_ask_anonymous"
