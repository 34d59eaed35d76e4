"""Bring in a person: open a ticket with the transcript, pass messages on, rate the help after.

While a person is in charge the flow owns the conversation (no interrupts): the citizen's
messages go to the ticket and the assistant only confirms while nobody has taken it yet.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.backend import BackendError, BackendUnavailable, NotFound, Rejected
from bot.core.escalation import EscalationClient, Ticket, TicketRequest
from bot.core.messages import Choice, ChoicesReply, HandoffReply, Reply, TextReply
from bot.core.payloads import Payload, payload
from bot.core.ports import TicketRoutes, Transcripts
from bot.core.results import Result, TicketOpened
from bot.core.routing import Match
from bot.core.signin import CONSENT, current_auth
from bot.core.text import N_
from bot.core.turn import Turn
from bot.core.vocabulary import vocabulary
from bot.intents.base import is_command
from bot.intents.forms import looks_like_question
from bot.intents.talk_to_human import contacts
from bot.nlu.frustration import is_frustrated
from common.timezone import utcnow

HANDOFF = "handoff"
ATTACH_CHECK_EVERY = timedelta(minutes=1)
_CHECKED = "ticket_checked_at"
REASONS = {"explicit", "misses", "security_report", "frustration", "payment_failed"}
CATEGORIES = {"security_report": "security", "payment_failed": "payment"}
# For the agent (the console is in English), why the assistant brought them in
WHY = {"explicit": "The citizen asked for a person.",
       "misses": "The assistant could not answer twice.",
       "security_report": "Urgent security report.",
       "frustration": "The citizen sounded frustrated.",
       "payment_failed": "A payment failed twice."}
SUMMARY_QUESTIONS = 3


class State(StrEnum):
    """Where the handoff is."""

    PENDING = "pending"
    OPEN = "open"
    COMMENT = "comment"  # rated; the next message may be a comment for the team


MAX_COMMENT = 1000
REQUESTS = ("cancel", "menu", "talk_to_person", "end_chat")  # never taken as a comment


class HandoffFlow:
    """Tickets, the live relay of the citizen's messages, and the rating at the end."""

    name = HANDOFF
    topic = True
    timeout = timedelta(days=3)
    blocks_interrupts = True

    def __init__(self, escalation: EscalationClient, routes: TicketRoutes,
                 transcripts: Transcripts | None = None) -> None:
        self._escalation = escalation
        self._routes = routes
        self._transcripts = transcripts

    async def attach(self, turn: Turn) -> None:
        """Join the signed-in citizen's open ticket when they write from another chat."""
        session = turn.session
        auth = current_auth(session)
        if session.flow is not None or auth is None or not session.data.get(CONSENT):
            return
        last = session.data.get(_CHECKED)
        now = utcnow()
        if last and now - datetime.fromisoformat(last) < ATTACH_CHECK_EVERY:
            return
        session.data[_CHECKED] = now.isoformat()
        try:
            ticket = await self._escalation.open_ticket_for(session.conversation_id, auth)
        except BackendError:
            return
        if ticket is None or ticket.status not in (State.PENDING, State.OPEN):
            return
        session.start_flow(HANDOFF, State(ticket.status))
        session.slots["ticket"] = ticket.number
        await self._routes.route(ticket.number, session.conversation_id)

    def handles(self, intent: str) -> bool:
        """Own requests for a person, the handoff itself and ratings."""
        return intent in (HANDOFF, "talk_to_human", "rating")

    def title(self, intent: str, turn: Turn) -> str:
        """Return the translated title."""
        return turn._("Talk to a person")

    def match(self, turn: Turn) -> Match | None:
        """A plain request for a person, or a frustrated message, brings one in."""
        if is_command("talk_to_person", turn.text):
            return Match(100.0, "talk_to_human")
        if is_frustrated(turn.text):
            return Match(100.0, "talk_to_human", {"argument": "frustration"})
        return None

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Open a ticket (or record a rating)."""
        argument = match.entities.get("argument", "")
        if match.intent == "rating":
            return await self._rate(turn, argument)
        reason, _, reference = argument.partition(":")
        return await self.start(turn, reason if reason in REASONS else "explicit", reference)

    async def start(self, turn: Turn, reason: str, report_reference: str = "") -> Result:
        """Open the ticket with the transcript and tell the citizen what happens next."""
        session = turn.session
        if session.flow == HANDOFF:
            return Result((TextReply(turn._("You are already in touch with our support team; "
                                            "just keep writing here.")),))
        transcript = (await self._transcripts.recent_lines(session.conversation_id)
                      if self._transcripts is not None else [])
        if turn.text:
            transcript.append({"role": "citizen", "text": turn.text, "at": ""})
        request = TicketRequest(
            conversation_id=session.conversation_id, channel=session.channel,
            language=session.locale, category=CATEGORIES.get(reason, "general"), reason=reason,
            summary=handoff_summary(transcript, reason),
            transcript=transcript, priority="high" if reason == "security_report" else None,
            security_report_reference=report_reference or None)
        auth = current_auth(session) if session.data.get(CONSENT) else None
        key = f"{session.conversation_id}:{turn.message.message_id or uuid.uuid4().hex}"
        try:
            ticket = await self._escalation.open_ticket(request, auth, key)
        except BackendError:
            return Result.of([TextReply(turn._("Live chat with our support team is not available "
                                               "right now.")), *contacts(turn)])
        session.start_flow(HANDOFF, State.OPEN if ticket.status == "open" else State.PENDING)
        session.slots["ticket"] = ticket.number
        session.slots["agent"] = ticket.agent_name  # told now: the 'assigned' event is not news
        await self._routes.route(ticket.number, session.conversation_id)
        intro = turn._("I am bringing in a person from eCitizen support. Your ticket number is "
                       "%(number)s.", number=ticket.number)
        if reason == "frustration":
            intro = turn._("I am sorry this has been difficult.") + " " + intro
        return Result((HandoffReply("\n".join([intro, *self._queue_lines(turn, ticket)]),
                                    ticket.number, ticket.status),),
                      (TicketOpened(ticket.number, ticket.status),))

    def _queue_lines(self, turn: Turn, ticket: Ticket) -> list[str]:
        lines = []
        if ticket.agent_name:
            lines.append(turn._("You are chatting with %(agent)s.", agent=ticket.agent_name))
        elif not ticket.office_open and ticket.next_open_at:
            lines.append(turn._(
                "Our support team is not at work now. Someone will answer from %(when)s; your "
                "messages will wait in the ticket.", when=turn.t.datetime(ticket.next_open_at)))
        else:
            lines.append(turn.t.ngettext(
                "You are number %(position)d in the queue; the wait is about %(minutes)d "
                "minute.",
                "You are number %(position)d in the queue; the wait is about %(minutes)d "
                "minutes.", ticket.expected_wait_minutes)
                % {"position": ticket.queue_position, "minutes": ticket.expected_wait_minutes})
        lines.append(turn._("Keep writing here. Write \"end chat\" to leave."))
        return lines

    async def step(self, turn: Turn) -> Result | None:
        """Pass the citizen's message to the ticket; "end chat" leaves the queue."""
        if turn.session.state == State.COMMENT:
            return await self._comment(turn)
        number = turn.session.slots.get("ticket", "")
        if turn.payload and Payload.parse(turn.payload).name == "rating":
            return None
        if vocabulary().whole("end_chat", end_marks=".!").matches(turn.text):
            return await self._leave(turn, number)
        text = turn.text or turn.payload or ""
        try:
            await self._escalation.post_message(
                number, turn.session.conversation_id, text,
                turn.message.message_id or uuid.uuid4().hex, current_auth(turn.session))
        except NotFound:
            turn.session.end_flow()  # the ticket was closed meanwhile: the assistant is back
            return None
        except Rejected as exc:
            if exc.kind != "ticket-closed":
                raise
            turn.session.end_flow()
            return None
        except BackendUnavailable:
            return Result((TextReply(turn._("I could not pass that on right now. Please send it "
                                            "again in a moment.")),))
        if turn.session.state == State.PENDING:
            return Result((TextReply(turn._("Received. A person will reply here as soon as they "
                                            "take your ticket %(number)s.", number=number)),))
        return Result()  # a person is in charge: the assistant stays quiet

    async def _leave(self, turn: Turn, number: str) -> Result:
        # an agent may have it already; the citizen still wants the assistant back
        with contextlib.suppress(BackendError):
            await self._escalation.cancel(number, turn.session.conversation_id)
        turn.session.end_flow()
        return Result((TextReply(turn._("You have left the support chat (ticket %(number)s). I am "
                                        "back: what can I help you with?", number=number)),))

    async def _rate(self, turn: Turn, argument: str) -> Result:
        number, _, value = argument.rpartition(":")
        if not value.isdigit() or not 1 <= int(value) <= 5:
            return Result()
        # a lost rating is regrettable, not worth bothering the citizen about
        with contextlib.suppress(BackendError):
            await self._escalation.rate(number, turn.session.conversation_id, int(value))
        session = turn.session
        session.start_flow(HANDOFF, State.COMMENT)
        session.slots["ticket"], session.slots["rating"] = number, int(value)
        return Result((TextReply(turn._(
            "Thank you for your rating! If you want to tell the team more, write it now; or just "
            "ask your next question.")),))

    async def _comment(self, turn: Turn) -> Result | None:
        """Take the message after a rating as a comment, unless it is a question or a request."""
        session = turn.session
        number, rating = session.slots.get("ticket", ""), session.slots.get("rating")
        session.end_flow()
        if (turn.payload or not turn.text or looks_like_question(turn)
                or any(is_command(m, turn.text) for m in REQUESTS) or not isinstance(rating, int)):
            return None  # the assistant answers it as any other message
        with contextlib.suppress(BackendError):
            await self._escalation.rate(number, session.conversation_id, rating,
                                        turn.text[:MAX_COMMENT])
        return Result((TextReply(turn._("Thank you, your comment has been passed to the team.")),))

    def is_answer(self, argument: str) -> bool:
        """Its buttons (ratings) stay valid after the chat with a person ended."""
        return False

    def reprompt(self, turn: Turn) -> list[Reply]:
        """Nothing to ask again: the citizen is talking to a person."""
        return []

    def expired(self, turn: Turn) -> list[Reply]:
        """Close an abandoned handoff (a comment nobody wrote ends without a word)."""
        if turn.session.state == State.COMMENT:
            return []
        return [TextReply(turn._("The support chat ended because it was quiet for a long time. "
                                 "Write \"talk to a person\" if you still need help."))]


RATINGS = (N_("Poor"), N_("Fair"), N_("Good"), N_("Very good"), N_("Excellent"))


def handoff_summary(transcript: list[dict[str, str]], reason: str) -> str:
    """Tell the agent at a glance why they are here and what the citizen last asked."""
    asked = [line["text"] for line in transcript if line["role"] == "citizen" and line["text"]]
    said = " / ".join(f"\u201c{text[:200]}\u201d" for text in asked[-SUMMARY_QUESTIONS:])
    return " ".join(part for part in (WHY.get(reason, WHY["explicit"]),
                                      f"Last messages: {said}" if said else "") if part)[:1000]


def rating_choices(turn: Turn, number: str) -> ChoicesReply:
    """Ask for a 1-5 rating of the help the citizen got."""
    # Words, not digits: channels number the choices, and "4. 4" reads as a mistake
    return ChoicesReply(turn._("How would you rate the help you got?"), tuple(
        Choice(turn.t.gettext(label), payload("rating", number, value))
        for value, label in enumerate(RATINGS, start=1)))
