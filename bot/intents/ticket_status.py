"""Status of a support ticket ("status of ticket T-000123"), from any channel of the citizen."""

from __future__ import annotations

from bot.core.backend import BackendError, NotFound
from bot.core.escalation import EscalationClient, Ticket
from bot.core.results import Result
from bot.core.routing import Match
from bot.core.signin import current_auth
from bot.core.text import N_, NC_
from bot.core.turn import Turn
from bot.intents.account import service_unavailable
from bot.intents.base import Intent

# Said of the ticket ("Tiketi T-000123: imeghairiwa"): its own context, because a payment that
# is "cancelled" takes another Swahili form ("malipo yameghairiwa").
TICKET_STATUS = {
    "pending": NC_("ticket status", "waiting in the queue"),
    "open": NC_("ticket status", "with a support agent"),
    "resolved": NC_("ticket status", "closed"),
    "cancelled": NC_("ticket status", "cancelled"),
}


class TicketStatusIntent(Intent):
    """Say where a ticket is: queue position and wait, the agent, or closed."""

    name = "ticket_status"
    title_msgid = N_("Status of a support ticket")

    def __init__(self, escalation: EscalationClient) -> None:
        self._escalation = escalation

    def match(self, turn: Turn) -> Match | None:
        """A ticket number (T-000123) in a message asks about that ticket."""
        number = next((e.value for e in turn.nlu.entities if e.entity == "ticket"), None)
        return Match(95.0, self.name, {"argument": number}) if number else None

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Look the ticket up for this conversation (or the signed-in citizen)."""
        number = match.entities.get("argument") or next(
            (e.value for e in turn.nlu.entities if e.entity == "ticket"), "")
        auth = current_auth(turn.session)
        try:
            ticket = (await self._escalation.ticket(number, turn.session.conversation_id, auth)
                      if number else
                      await self._escalation.open_ticket_for(turn.session.conversation_id, auth))
        except NotFound:
            ticket = None
        except BackendError:
            return Result.of(service_unavailable(turn))
        if ticket is None:
            text = (turn._("I could not find ticket %(number)s for this chat.", number=number)
                    if number else turn._("You have no open support ticket."))
            return Result.text(text)
        return Result.text(describe(turn, ticket))


def describe(turn: Turn, ticket: Ticket) -> str:
    """Describe a ticket's state in the conversation's language."""
    label = TICKET_STATUS.get(ticket.status)
    status = turn.t.pgettext(*label) if label else ticket.status
    text = turn._("Ticket %(number)s: %(status)s.", number=ticket.number, status=status)
    if ticket.status == "pending":
        text += " " + turn._("You are number %(position)s; expected wait about %(minutes)s "
                             "minutes.", position=ticket.queue_position,
                             minutes=ticket.expected_wait_minutes)
        if not ticket.office_open and ticket.next_open_at:
            text += " " + turn._("The team is back at %(when)s.",
                                 when=turn.t.datetime(ticket.next_open_at))
    elif ticket.status == "open" and ticket.agent_name:
        text += " " + turn._("%(agent)s is handling it.", agent=ticket.agent_name)
    return text
