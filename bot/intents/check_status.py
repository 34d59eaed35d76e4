"""Where is my application? One reference, or a numbered list of the citizen's applications."""

from __future__ import annotations

from bot.core.backend import Application, BackendClient, ChatAuth, NotFound
from bot.core.messages import Choice, ChoicesReply, Reply, TextReply
from bot.core.payloads import payload
from bot.core.results import Result, StatusShown
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.account import with_sign_in
from bot.intents.base import Intent
from bot.intents.office_notes import office_note
from bot.intents.status_text import status_item, status_sentence

# Intents that also come with a reference ("pay GC-2025-000456") and must keep it.
_OTHER_REFERENCE_INTENTS = {"start_payment", "payment_history", "report_security_incident"}


def next_step_text(turn: Turn, application: Application) -> str:
    """Say in plain words what the citizen should do next."""
    step = application.next_step
    if step.code == "pay":
        amount = turn.t.money(step.amount_due or 0)
        return turn._("Next step: pay %(amount)s. Tap \"Pay now\" or use PayBill %(paybill)s, "
                      "account %(account)s.", amount=amount, paybill=step.paybill or "222222",
                      account=step.account_number or "-")
    if step.code == "upload_document":
        document = step.document or turn._("the requested document")
        return turn._("Next step: upload %(document)s on eCitizen (My Applications, then this "
                      "application, then Upload).", document=document)
    if step.code == "book_biometrics":
        return turn._("Next step: book your biometrics appointment on eCitizen and go with your "
                      "original ID.")
    if step.code == "collect":
        when = turn.t.date(step.available_from) if step.available_from else turn._("now")
        return turn._("Next step: collect it at %(office)s from %(when)s. Bring your original ID "
                      "and this reference.", office=step.collection_office or "-", when=when)
    if step.code == "complete_application":
        return turn._("Next step: finish the application on eCitizen and submit it.")
    if step.code == "wait":
        return turn._("Nothing to do for now: I will tell you here when the status changes.")
    return ""


def status_reply(turn: Turn, application: Application) -> list[Reply]:
    """Describe one application: service and status, last update, note, next step."""
    lines = [status_sentence(turn, application.status, application.service_name(turn.locale),
                             application.reference),
             turn._("Last updated: %(date)s.", date=turn.t.date(application.updated_at))]
    if application.history and application.history[-1].note:
        lines.append(office_note(turn, application.history[-1].note))
    step = next_step_text(turn, application)
    if step:
        lines.append(step)
    text = "\n".join(lines)
    if application.next_step.code == "pay" and application.next_step.bill_id:
        pay = payload("start_payment", application.next_step.bill_id)
        return [ChoicesReply(text, (Choice(turn._("Pay now"), pay),))]
    return [TextReply(text)]


class CheckStatusIntent(Intent):
    """Give the status of one application, or list them all to choose from."""

    name = "check_status"
    title_msgid = N_("Check an application")

    def __init__(self, backend: BackendClient) -> None:
        self._backend = backend

    def match(self, turn: Turn) -> Match | None:
        """A message with an application reference asks about it, unless it is clearly a payment."""
        reference = next((e.value for e in turn.nlu.entities if e.entity == "reference"), None)
        if reference is None:
            return None
        top = turn.nlu.top
        if top is not None and top.name in _OTHER_REFERENCE_INTENTS and top.confidence >= 0.3:
            return None
        return Match(90.0, self.name, {"argument": reference})

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Look up the reference given (typed or tapped), or list the applications."""
        reference = match.entities.get("argument") or next(
            (e.value for e in turn.nlu.entities if e.entity == "reference"), "")
        resume = payload(self.name, reference) if reference else self.name

        async def act(auth: ChatAuth) -> Result:
            return await (self._one(turn, auth, reference) if reference
                          else self._all(turn, auth))

        return await with_sign_in(turn, resume, act)

    async def _one(self, turn: Turn, auth: ChatAuth, reference: str) -> Result:
        try:
            application = await self._backend.application(auth, reference)
        except NotFound:
            return Result((TextReply(turn._(
                "I could not find an application %(reference)s on your account. Check the "
                "reference (for example PP-2025-000123), or write \"my applications\" to see "
                "them all.", reference=reference)),))
        return shown(turn, application)

    async def _all(self, turn: Turn, auth: ChatAuth) -> Result:
        applications = await self._backend.applications(auth)
        if not applications:
            return Result((TextReply(turn._("There are no applications on your eCitizen "
                                            "account.")),))
        if len(applications) == 1:
            return shown(turn, applications[0])
        choices = tuple(
            Choice(status_item(turn, a.status, a.service_name(turn.locale), a.reference),
                   payload(self.name, a.reference))
            for a in applications[:10]
        )
        return Result((ChoicesReply(turn._("Your applications. Tap one or type its number:"),
                                    choices),))


def shown(turn: Turn, application: Application) -> Result:
    """Describe one application, noting which status the citizen was shown."""
    return Result(tuple(status_reply(turn, application)),
                  (StatusShown(application.reference, application.status),))
