"""My payments and receipts: the latest payments, and a receipt link on request."""

from __future__ import annotations

from bot.core.backend import BackendClient, ChatAuth, NotFound, Payment
from bot.core.messages import Choice, ChoicesReply, LinkReply, Reply, TextReply
from bot.core.payloads import payload
from bot.core.results import Result
from bot.core.routing import Match
from bot.core.text import N_, NC_
from bot.core.turn import Turn
from bot.intents.account import with_sign_in
from bot.intents.base import Intent
from bot.intents.notifications import payment_result

SHOWN = 5
# Said of a payment under "Your latest payments:" (Swahili "malipo", class 6: ya-).
PAYMENT_STATUS = {
    "succeeded": NC_("payment status", "paid"),
    "pending": NC_("payment status", "waiting for confirmation"),
    "failed": NC_("payment status", "failed"),
    "awaiting_transfer": NC_("payment status", "waiting for your bank transfer"),
    "cancelled": NC_("payment status", "cancelled"),
}


class PaymentHistoryIntent(Intent):
    """List the latest payments; each paid one offers its receipt."""

    name = "payment_history"
    title_msgid = N_("My payments and receipts")

    def __init__(self, backend: BackendClient) -> None:
        self._backend = backend

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Show the latest payments with receipt choices."""

        async def act(auth: ChatAuth) -> Result:
            payments = list(await self._backend.payments(auth))[:SHOWN]
            if not payments:
                return Result.text(turn._("There are no payments on your eCitizen account yet."))
            lines = [turn._("Your latest payments:")]
            choices = []
            for p in payments:
                when = turn.t.date(p.created_at) if p.created_at else ""
                label = PAYMENT_STATUS.get(p.status)
                status = turn.t.pgettext(*label) if label else p.status
                lines.append(f"- {when} · {p.reference} · {turn.t.money(p.amount)} · {status}")
                if p.receipt_no:
                    choices.append(Choice(turn._("Receipt %(number)s", number=p.receipt_no),
                                          payload("receipt", p.receipt_no)))
            if choices:
                return Result.of([ChoicesReply("\n".join(lines), tuple(choices))])
            return Result.text("\n".join(lines))

        return await with_sign_in(turn, self.name, act)


class ReceiptIntent(Intent):
    """Give a link to download one receipt."""

    name = "receipt"
    title_msgid = N_("Get a receipt")

    def __init__(self, backend: BackendClient) -> None:
        self._backend = backend

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Answer with the receipt's download link."""
        number = match.entities.get("argument", "")
        if not number:
            return Result.text(turn._("Which receipt? Write \"my payments\" to see them."))

        async def act(auth: ChatAuth) -> Result:
            try:
                receipt = await self._backend.receipt(auth, number)
            except NotFound:
                return Result.text(turn._("I could not find receipt %(number)s on your account.",
                                         number=number))
            text = turn._("Receipt %(number)s for %(reference)s, %(amount)s, issued %(date)s.",
                          number=receipt.receipt_no, reference=receipt.reference,
                          amount=turn.t.money(receipt.amount),
                          date=turn.t.datetime(receipt.issued_at))
            return Result.of([LinkReply(text, receipt.url, turn._("Open the receipt"))])

        return await with_sign_in(turn, payload(self.name, number), act)


def payment_waiting(turn: Turn, payment: Payment) -> list[Reply]:
    """Say a payment still waits for its confirmation, with a way to check it."""
    text = turn._(
        "The payment of %(amount)s for %(reference)s is still waiting for confirmation. I will "
        "tell you here as soon as it is final; no new payment can start for this bill until "
        "then.", amount=turn.t.money(payment.amount), reference=payment.reference)
    return [ChoicesReply(text, (Choice(turn._("Check the payment now"),
                                       f"{PaymentCheckIntent.name}:{payment.id}"),))]


class PaymentCheckIntent(Intent):
    """Check one payment on request ("Check the payment now"): M-Pesa is asked first."""

    name = "payment_check"
    title_msgid = N_("Check a payment")

    def __init__(self, backend: BackendClient) -> None:
        self._backend = backend

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Tell the payment's result, or that it is still waiting."""
        argument = match.entities.get("argument", "")
        if not argument.isdigit():
            return Result.text(turn._("Which payment? Write \"my payments\" to see them."))

        async def act(auth: ChatAuth) -> Result:
            try:
                payment = await self._backend.payment(auth, int(argument))
            except NotFound:
                return Result.text(turn._("I could not find that payment on your account."))
            if payment.status in ("pending", "awaiting_transfer"):
                return Result.of(payment_waiting(turn, payment))
            kind = "payment.succeeded" if payment.status == "succeeded" else "payment.failed"
            told = payment_result(turn, kind, {
                "payment_id": payment.id, "bill_id": payment.bill_id,
                "application_reference": payment.reference, "amount_kes": payment.amount,
                "receipt_no": payment.receipt_no, "reason": payment.failure_reason})
            return Result.of(told or [TextReply(turn._(
                "I have already given you the result of this payment above. Write \"my "
                "payments\" to see all of them."))])

        return await with_sign_in(turn, payload(self.name, argument), act)
