"""HTTP entry points: the bot-facing `/api/v1/tickets` router, and `install` for the console.

The assistant authenticates with `X-Service-Key`. A chat may touch a ticket when it sends the
ticket's `conversation_id`, or a citizen token (`Authorization` + `X-Chat-Identity`) of the
citizen the ticket is linked to. Anyone else gets 404, as if the ticket did not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core import audit
from backend.core.deps import (
    CitizenContext,
    IdempotencyKeyDep,
    OptionalCitizenDep,
    ServiceAuthDep,
    SessionDep,
)
from backend.core.domain import Scope
from backend.core.idempotency import StoredResponse, fingerprint, run_once
from backend.core.problems import TITLES, ProblemError
from backend.core.schemas import PROBLEM_RESPONSES
from backend.core.services import CoreServices
from escalation.config import EscalationSettings, get_escalation_settings
from escalation.console.api import router as console_router
from escalation.console.pages import router as pages_router
from escalation.domain import MessageKind
from escalation.models import Ticket
from escalation.presenters import ticket_out
from escalation.runtime import Escalation, EscalationDep
from escalation.schemas import (
    CONVERSATION_ID,
    CancelIn,
    CitizenMessageIn,
    MessageAck,
    RatingIn,
    TicketCreate,
    TicketOut,
)
from escalation.tickets import service
from escalation.tickets.routing import dispatch

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"], responses=PROBLEM_RESPONSES)

TicketNumber = Annotated[str, Path(max_length=20, examples=["T-000123"])]
ConversationQuery = Annotated[str | None, Query(pattern=CONVERSATION_ID)]

PROBLEM_TITLES = {
    "ticket-closed": "This ticket is no longer open",
    "ticket-not-resolved": "Only a resolved ticket can be rated",
    "not-assigned": "This ticket is assigned to someone else",
    "at-capacity": "You already hold as many open tickets as you may",
    "agent-not-eligible": "That agent cannot take this ticket",
    "session-required": "Sign in to the console",
    "sign-in-failed": "Wrong e-mail address or password",
    "sign-in-locked": "Too many failed sign-ins; try again later",
    "csrf-invalid": "Missing or wrong CSRF token",
    "role-forbidden": "Your role does not allow this",
}


def _citizen_id(ctx: CitizenContext | None) -> int | None:
    if ctx is None:
        return None
    if Scope.READ not in ctx.token.scope_set:
        raise ProblemError(403, "insufficient-scope", "The token lacks citizen:read.")
    return ctx.citizen.id


def _visible(session: Session, number: str, conversation_id: str | None,
             ctx: CitizenContext | None, *, lock: bool = False) -> Ticket:
    ticket = service.get_ticket(session=session, number=number, lock=lock)
    if ticket is None or not service.citizen_may_access(ticket, conversation_id, _citizen_id(ctx)):
        raise ProblemError(404, "not-found", "No such ticket for this conversation.")
    return ticket


@router.post("", status_code=201, responses={200: {"model": TicketOut},
                                             201: {"model": TicketOut}})
def create_ticket(body: TicketCreate, _service: ServiceAuthDep, ctx: OptionalCitizenDep,
                  key: IdempotencyKeyDep, esc: EscalationDep, session: SessionDep
                  ) -> JSONResponse:
    """Open a ticket; 200 with the existing one when the conversation (or citizen) has one.

    With a citizen token the ticket is linked to the citizen (send it only with consent).
    Usually the answer is `pending` with a queue position; when a skilled agent is free the
    ticket is assigned at once and the answer is `open` with `agent_name`.
    """
    citizen_id = _citizen_id(ctx)

    def work() -> StoredResponse:
        now = esc.clock()
        existing = service.find_active(session=session, conversation_id=body.conversation_id,
                                       citizen_id=citizen_id)
        if existing is not None:
            return StoredResponse(200, {"number": existing.number})
        try:
            ticket = service.open_ticket(session=session, esc=esc, data=_new_ticket(body),
                                         citizen_id=citizen_id, now=now)
            if ctx is not None:
                audit.record(session=session, service=ctx.service.name, action="link",
                             resource=f"ticket:{ticket.number}", citizen_id=ctx.citizen.id,
                             token_id=ctx.token.id, now=now)
            dispatch(session, esc, now)
            session.commit()
        except IntegrityError:  # another request opened one for this conversation just now
            session.rollback()
            existing = service.find_active(session=session, conversation_id=body.conversation_id)
            if existing is None:
                raise
            return StoredResponse(200, {"number": existing.number})
        return StoredResponse(201, {"number": ticket.number})

    stored = run_once(session=session, scope="ticket", owner=body.conversation_id, key=key,
                      request_fingerprint=fingerprint(body.model_dump(mode="json"), citizen_id),
                      work=work)
    ticket = service.get_ticket(session=session, number=str(stored.body["number"]))
    assert ticket is not None
    out = ticket_out(session, esc, ticket, esc.clock())
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else None
    return JSONResponse(out.model_dump(mode="json"), status_code=stored.status_code,
                        headers=headers)


def _new_ticket(body: TicketCreate) -> service.NewTicket:
    return service.NewTicket(
        conversation_id=body.conversation_id, channel=body.channel, language=body.language,
        category=body.category, reason=body.reason, priority=body.priority, summary=body.summary,
        security_report_reference=body.security_report_reference,
        transcript=[service.TranscriptLine(MessageKind(item.role), item.text, item.at)
                    for item in body.transcript])


@router.get("/open")
def open_ticket_for(_service: ServiceAuthDep, ctx: OptionalCitizenDep, esc: EscalationDep,
                    session: SessionDep, conversation_id: ConversationQuery = None) -> TicketOut:
    """Return the conversation's open ticket, or with a token the citizen's from any chat."""
    ticket = service.find_active(session=session, conversation_id=conversation_id,
                                 citizen_id=_citizen_id(ctx))
    if ticket is None:
        raise ProblemError(404, "not-found", "No open ticket.")
    return ticket_out(session, esc, ticket, esc.clock())


@router.get("/{number}")
def read_ticket(number: TicketNumber, _service: ServiceAuthDep, ctx: OptionalCitizenDep,
                esc: EscalationDep, session: SessionDep,
                conversation_id: ConversationQuery = None) -> TicketOut:
    """Return status, queue position, expected wait, agent and office hours."""
    ticket = _visible(session, number, conversation_id, ctx)
    return ticket_out(session, esc, ticket, esc.clock())


@router.post("/{number}/messages", status_code=201)
def post_message(number: TicketNumber, body: CitizenMessageIn, _service: ServiceAuthDep,
                 ctx: OptionalCitizenDep, esc: EscalationDep, session: SessionDep
                 ) -> MessageAck:
    """Store the citizen's message (before answering); a repeated client id stores nothing."""
    ticket = _visible(session, number, body.conversation_id, ctx, lock=True)
    message, _ = service.citizen_message(
        session=session, ticket=ticket, conversation_id=body.conversation_id, text=body.text,
        client_message_id=body.client_message_id, now=esc.clock())
    session.commit()
    return MessageAck(id=message.id, seq=message.seq)


@router.post("/{number}/rating")
def rate_ticket(number: TicketNumber, body: RatingIn, _service: ServiceAuthDep,
                ctx: OptionalCitizenDep, esc: EscalationDep, session: SessionDep) -> TicketOut:
    """Record the citizen's 1-5 rating of a resolved ticket."""
    ticket = _visible(session, number, body.conversation_id, ctx, lock=True)
    now = esc.clock()
    service.rate(ticket=ticket, rating=body.rating, comment=body.comment, now=now)
    session.commit()
    return ticket_out(session, esc, ticket, now)


@router.post("/{number}/cancel")
def cancel_ticket(number: TicketNumber, body: CancelIn, _service: ServiceAuthDep,
                  ctx: OptionalCitizenDep, esc: EscalationDep, session: SessionDep) -> TicketOut:
    """The citizen leaves: from the queue, or ending the chat with an agent (who is told)."""
    ticket = _visible(session, number, body.conversation_id, ctx, lock=True)
    now = esc.clock()
    service.cancel(session=session, ticket=ticket, now=now)
    session.commit()
    return ticket_out(session, esc, ticket, now)


def install(app: FastAPI, container: CoreServices, settings: EscalationSettings | None = None
            ) -> Escalation:
    """Mount the ticket and console routers on the backend app and keep the runtime on it."""
    production = container.settings.is_production
    runtime = Escalation(
        settings=settings or get_escalation_settings(),
        clock=container.clock,
        production=production,
        secure_cookies=production or container.settings.base_url.startswith("https://"),
        limiter=container.limiter,
    )
    app.state.escalation = runtime
    for kind, title in PROBLEM_TITLES.items():
        TITLES.setdefault(kind, title)
    app.include_router(router)
    app.include_router(console_router)
    app.include_router(pages_router)
    return runtime
