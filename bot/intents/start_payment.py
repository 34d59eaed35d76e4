"""Pay a bill: choose it, confirm the summary (phone changeable), M-Pesa prompt, or other ways."""

from __future__ import annotations

import uuid
from datetime import timedelta
from enum import StrEnum
from typing import Any

from bot.core.backend import (
    BackendClient,
    BackendUnavailable,
    Bill,
    ChatAuth,
    NotFound,
    Payment,
    Rejected,
    SignInNeeded,
)
from bot.core.messages import Choice, ChoicesReply, LinkReply, Reply, TextReply
from bot.core.payloads import argument_of, payload
from bot.core.results import Event, PaymentStarted, Result
from bot.core.routing import Match
from bot.core.signin import current_auth, forget_sign_in
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.account import ask_to_sign_in, service_unavailable, with_sign_in
from bot.intents.forms import END, START, Edges, End, Form, Next, Stay, Transition
from bot.intents.notifications import remember_attempt
from bot.intents.payment_history import payment_waiting
from common.phones import parse_kenyan_mobile
from privacy import mask_phone


class State(StrEnum):
    """Steps of paying a bill."""

    CHOOSE = "choose"
    CONFIRM = "confirm"
    PHONE = "phone"


class StartPaymentFlow(Form):
    """Choose a bill, confirm, and send the M-Pesa prompt; the result arrives later as a push."""

    name = "start_payment"
    title_msgid = N_("Make a payment")
    timeout = timedelta(minutes=15)
    answers = frozenset({"confirm", "phone", "other"})  # a tapped bill ("bill-N") starts anew

    def __init__(self, backend: BackendClient) -> None:
        self._backend = backend
        self.states = {State.CHOOSE: self._choose, State.CONFIRM: self._confirm,
                       State.PHONE: self._phone}
        self.prompts = {State.CHOOSE: self._ask_choice, State.CONFIRM: self._summary,
                        State.PHONE: self._ask_phone}
        self.edges = Edges.of({START: [State.CHOOSE, State.CONFIRM],
                                 State.CHOOSE: [State.CHOOSE, State.CONFIRM],
                                 State.CONFIRM: [State.CONFIRM, State.PHONE, END],
                                 State.PHONE: [State.PHONE, State.CONFIRM, END]})

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Start with a given bill (tapped "Pay now") or reference, or list the unpaid bills."""
        typed = next((e.value for e in turn.nlu.entities if e.entity == "reference"), "")
        wanted = (match.entities.get("argument") or typed).removeprefix("bill-")
        resume = payload(self.name, wanted) if wanted else self.name

        async def act(auth: ChatAuth) -> Result:
            bills = list(await self._backend.bills(auth))
            chosen = [b for b in bills if wanted in (str(b.id), b.reference)] if wanted else bills
            if not chosen:
                # a button carries the bill's internal number, which means nothing to a citizen
                text = (turn._("That bill is paid or no longer due: there is nothing more to pay "
                               "for it.") if wanted.isdigit()
                        else turn._("There is no unpaid bill for %(reference)s on your account.",
                                    reference=wanted) if wanted
                        else turn._("You have nothing to pay right now."))
                return Result((TextReply(text),))
            self.begin(turn)
            records = turn.session.slots["bills"] = [_bill_record(b) for b in bills]
            if len(chosen) == 1:
                return self.apply(turn, self._select(records, chosen[0].id, turn))
            return self.apply(turn, Next(State.CHOOSE))

        return await with_sign_in(turn, resume, act)

    def _ask_choice(self, turn: Turn) -> list[Reply]:
        choices = tuple(
            Choice(f"{b['reference']} · {turn.t.money(b['total'])}",
                   payload(self.name, f"bill-{b['id']}")) for b in turn.session.slots["bills"]
        )
        return [ChoicesReply(turn._("Which bill would you like to pay?"), choices)]

    async def _choose(self, turn: Turn) -> Transition | None:
        argument = argument_of(turn.payload, self.name)
        if argument.startswith("bill-") and argument[5:].isdigit():
            return self._select(turn.session.slots["bills"], int(argument[5:]), turn)
        return None  # anything else is not a bill: let the router answer it, then re-ask

    @staticmethod
    def _select(bills: list[dict[str, Any]], bill_id: int, turn: Turn) -> Next:
        """Choose the bill to pay; a stale choice asks again which one."""
        bill = next((b for b in bills if b["id"] == bill_id), None)
        if bill is None:
            return Next(State.CHOOSE)
        turn.session.slots["bill"] = bill
        return Next(State.CONFIRM)

    def _summary(self, turn: Turn) -> list[Reply]:
        bill, phone = turn.session.slots["bill"], turn.session.slots.get("phone")
        target = mask_phone(phone) if phone else turn._("the phone number on your eCitizen account")
        text = turn._(
            "Payment for %(reference)s:\n- Fee: %(amount)s\n- Convenience fee: %(fee)s\n"
            "- Total: %(total)s\nThe M-Pesa prompt will go to %(phone)s.",
            reference=bill["reference"], amount=turn.t.money(bill["amount"]),
            fee=turn.t.money(bill["fee"]), total=turn.t.money(bill["total"]), phone=target)
        return [ChoicesReply(text, (
            Choice(turn._("Pay with M-Pesa now"), payload(self.name, "confirm")),
            Choice(turn._("Use another phone number"), payload(self.name, "phone")),
            Choice(turn._("Other ways to pay"), payload(self.name, "other")),
            Choice(turn._("Cancel"), "cancel"),
        ))]

    async def _confirm(self, turn: Turn) -> Transition | None:
        argument = argument_of(turn.payload, self.name)
        if argument == "phone":
            return Next(State.PHONE)
        if argument == "other":
            return await self._other_ways(turn)
        if argument == "confirm":
            return await self._pay(turn)
        if turn.payload is None and parse_kenyan_mobile(turn.text) is not None:
            return await self._phone(turn)  # a typed number means "use this phone"
        return None

    def _ask_phone(self, turn: Turn) -> list[Reply]:
        return [TextReply(turn._("Type the M-Pesa phone number that should get the prompt, "
                                 "for example 0712 345 678."))]

    async def _phone(self, turn: Turn) -> Transition:
        phone = parse_kenyan_mobile(turn.text)
        if phone is None:
            return Stay(turn._("That is not a Kenyan mobile number. It should look like "
                               "0712 345 678."))
        turn.session.slots["phone"] = phone
        return Next(State.CONFIRM)

    async def _pay(self, turn: Turn) -> Transition:
        bill = turn.session.slots["bill"]
        try:
            payment = await self._start(turn, "mpesa")
        except Rejected as exc:
            return End(self._refused(turn, exc))
        if payment is None:
            return Next(State.CONFIRM, service_unavailable(turn) + self._paybill(turn),
                        ask=False)
        if isinstance(payment, list):
            return End(payment)
        started = PaymentStarted(payment.id, bill["reference"], payment.method, payment.status)
        remember_attempt(turn, bill["id"], payment.id)
        if payment.existing and payment.status == "pending":
            return End(payment_waiting(turn, payment), [started])
        return End([TextReply(turn._(
            "Check your phone: enter your M-Pesa PIN to pay %(total)s for %(reference)s. I will "
            "tell you here as soon as the payment goes through.",
            total=turn.t.money(bill["total"]), reference=bill["reference"]))], [started])

    async def _other_ways(self, turn: Turn) -> Transition:
        replies = self._paybill(turn)
        try:
            card = await self._start(turn, "card")
        except Rejected:
            card = None
        events: list[Event] = []
        if isinstance(card, Payment) and card.checkout_url:
            replies.append(LinkReply(turn._("Or pay by card on this secure page:"),
                                     card.checkout_url, turn._("Pay by card")))
            events.append(PaymentStarted(card.id, turn.session.slots["bill"]["reference"],
                                         card.method, card.status))
        return End(replies, events)

    def _paybill(self, turn: Turn) -> list[Reply]:
        bill = turn.session.slots["bill"]
        return [TextReply(turn._(
            "To pay without the prompt: M-Pesa, Lipa na M-Pesa, Pay Bill, business number "
            "%(paybill)s, account number %(account)s, amount %(total)s. You can also pay at a "
            "bank with the same account number.", paybill=bill["paybill"],
            account=bill["account"], total=turn.t.money(bill["total"])))]

    async def _start(self, turn: Turn, method: str) -> Payment | list[Reply] | None:
        """Start a payment; None when the backend is down, replies when a sign-in is needed."""
        bill = turn.session.slots["bill"]
        auth = current_auth(turn.session)
        resume = payload(self.name, bill['id'])
        if auth is None:
            return ask_to_sign_in(turn, resume)
        # A redelivered message (same id) reuses the key, so a crash after the call cannot
        # charge twice; a new attempt gets a new key (the backend still refuses a second
        # prompt while one is pending, and any payment of a paid bill).
        attempt = turn.message.message_id or uuid.uuid4().hex
        key = f"{turn.session.conversation_id}:{bill['id']}:{method}:{attempt}"
        try:
            return await self._backend.start_payment(auth, bill["id"], method,
                                                     turn.session.slots.get("phone"), key)
        except SignInNeeded:
            forget_sign_in(turn.session)
            return ask_to_sign_in(turn, resume)
        except (BackendUnavailable, NotFound):
            return None

    def _refused(self, turn: Turn, exc: Rejected) -> list[Reply]:
        if exc.kind == "request-in-progress":  # the same request, retried after a dropped line
            return [TextReply(turn._("Your payment request is already being processed. I will "
                                     "tell you here as soon as there is a result."))]
        if exc.kind == "bill-already-paid":
            return [TextReply(turn._("This bill is already paid, so there is nothing more to "
                                     "pay."))]
        return [TextReply(turn._("The payment could not be started: %(reason)s",
                                 reason=exc.detail or exc.kind))]





def _bill_record(bill: Bill) -> dict[str, object]:
    return {"id": bill.id, "reference": bill.reference, "amount": bill.amount, "fee": bill.fee,
            "total": bill.total, "paybill": bill.paybill, "account": bill.account_number}
