"""What to tell a citizen when something happens in the backend (status change, payment result)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.messages import Choice, ChoicesReply, HandoffReply, Reply, TextReply
from bot.core.payloads import payload as choice_payload
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.handoff import HANDOFF, State, rating_choices
from bot.intents.status_text import UPDATE, status_sentence

PAYMENT_FAILURES = {
    "insufficient_funds": N_("your M-Pesa balance was not enough. Top up, then try again."),
    "cancelled_by_user": N_("the M-Pesa prompt was cancelled on the phone."),
    "timeout": N_("your phone could not be reached in time. Keep it on and unlocked, then try "
                  "again."),
    "wrong_pin": N_("the M-Pesa PIN was wrong. Try again and enter your PIN carefully."),
    "expired": N_("the prompt expired before it was answered."),
    "not_sent": N_("the M-Pesa prompt could not be sent to your phone."),
    "gateway_error": N_("M-Pesa did not accept the request."),
    "card_declined": N_("the card was declined."),
}
FAILURES = "payment_failures"  # per bill, so repeated failures can bring in a person
TOLD = "payments_told"  # results already given in this chat, so a push never repeats one
LATEST = "payment_attempts"  # per bill, the newest attempt this chat started
_TOLD_KEPT = 20


def already_told(turn: Turn, payment_id: object) -> bool:
    """Tell whether this chat has already been given the payment's result."""
    return str(payment_id) in turn.session.data.get(TOLD, [])


def remember_attempt(turn: Turn, bill_id: object, payment_id: object) -> None:
    """Note the newest payment attempt this chat started for a bill."""
    latest = turn.session.data.setdefault(LATEST, {})
    latest[str(bill_id)] = str(payment_id)
    if len(latest) > _TOLD_KEPT:
        del latest[next(iter(latest))]


def superseded(turn: Turn, payload: Mapping[str, Any]) -> bool:
    """Tell whether the chat started a newer attempt for the bill than this payment."""
    newest = str(turn.session.data.get(LATEST, {}).get(str(payload.get("bill_id")), ""))
    this = str(payload.get("payment_id", ""))
    return newest.isdigit() and this.isdigit() and int(newest) > int(this)


def payment_result(turn: Turn, kind: str, payload: Mapping[str, Any]) -> list[Reply]:
    """Give a payment's result once per chat, whether pushed or asked for."""
    if already_told(turn, payload.get("payment_id")):
        return []
    told = [*turn.session.data.get(TOLD, []), str(payload.get("payment_id"))]
    turn.session.data[TOLD] = told[-_TOLD_KEPT:]
    if kind == "payment.succeeded":
        return _payment_succeeded(turn, payload)
    if superseded(turn, payload):
        # the citizen already tried again (say, after a restart): a failure of the attempt
        # they left behind would only contradict the result of the one they are waiting for
        return []
    return _payment_failed(turn, payload)


def render_event(turn: Turn, kind: str, payload: Mapping[str, Any]) -> list[Reply]:
    """Return the messages for a backend event in the conversation's language ([] to skip)."""
    if kind.startswith("ticket."):
        return _ticket_event(turn, kind, payload)
    if kind in ("payment.succeeded", "payment.failed"):
        return payment_result(turn, kind, payload)
    if kind == "application.status_changed":
        service = str(payload.get(f"service_name_{turn.locale}")
                      or payload.get("service_name_en") or payload.get("service_code", ""))
        sentence = status_sentence(turn, str(payload.get("to_status", "")), service,
                                   str(payload.get("application_reference", "")))
        return [TextReply(turn._(UPDATE, sentence=sentence))]
    return []  # security reports are confirmed in the chat where they were made


def _payment_succeeded(turn: Turn, payload: Mapping[str, Any]) -> list[Reply]:
    turn.session.data.get(FAILURES, {}).pop(str(payload.get("bill_id")), None)
    receipt = str(payload.get("receipt_no") or "")
    text = turn._("Payment received: %(amount)s for %(reference)s. Receipt number: %(receipt)s.",
                  amount=turn.t.money(int(payload.get("amount_kes", 0))),
                  reference=payload.get("application_reference", ""), receipt=receipt)
    if not receipt:
        return [TextReply(text)]
    return [ChoicesReply(text, (Choice(turn._("Get the receipt"),
                                       choice_payload("receipt", receipt)),))]


def _payment_failed(turn: Turn, payload: Mapping[str, Any]) -> list[Reply]:
    bill = str(payload.get("bill_id", ""))
    failures = turn.session.data.setdefault(FAILURES, {})
    failures[bill] = int(failures.get(bill, 0)) + 1
    reason = PAYMENT_FAILURES.get(str(payload.get("reason")))
    why = turn.t.gettext(reason) if reason else turn._("the payment was not completed.")
    text = turn._("The payment for %(reference)s did not go through: %(why)s No money was taken "
                  "for this attempt.", reference=payload.get("application_reference", ""),
                  why=why)
    choices = [Choice(turn._("Try again"), choice_payload("start_payment", bill))]
    if failures[bill] >= 2:
        choices.append(Choice(turn._("Talk to a person"),
                              choice_payload("talk_to_human", "payment_failed")))
    return [ChoicesReply(text, tuple(choices))]


def _ticket_event(turn: Turn, kind: str, payload: Mapping[str, Any]) -> list[Reply]:
    """Relay what happens in the support ticket: assigned, agent messages, closed."""
    session, number = turn.session, str(payload.get("number", ""))
    agent = str(payload.get("agent_name") or turn._("a support agent"))
    if kind in ("ticket.assigned", "ticket.transferred"):
        in_handoff = session.flow == HANDOFF and session.slots.get("ticket") == number
        if not payload.get("agent_name"):  # transferred back to a queue
            if in_handoff:
                session.state, session.slots["agent"] = State.PENDING, None
            return [HandoffReply(turn._("Your chat is back in the queue; the next available "
                                        "person will reply here."), number, "pending")]
        if in_handoff:
            session.state = State.OPEN
            if session.slots.get("agent") == agent:
                return []  # already told when the ticket opened
            session.slots["agent"] = agent
        return [HandoffReply(turn._("You are now chatting with %(agent)s from eCitizen support.",
                                    agent=agent), number, "open")]
    if kind == "ticket.agent_message":
        return [TextReply(turn._("%(agent)s (eCitizen support): %(text)s", agent=agent,
                                 text=str(payload.get("text", ""))))]
    if kind == "ticket.resolved":
        if session.flow == HANDOFF and session.slots.get("ticket") == number:
            session.end_flow()
        summary = str(payload.get("summary") or "")
        text = turn._("%(agent)s has closed this chat.", agent=agent)
        if summary:
            text += " " + turn._("Summary: %(summary)s", summary=summary)
        text += " " + turn._("I am back to answer your questions.")
        return [HandoffReply(text, number, "resolved"), rating_choices(turn, number)]
    return []
