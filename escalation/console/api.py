"""The agent console: its page, sign-in, and the JSON API the page calls (`/console/api`).

Reading needs a session cookie; every change also needs the session's `X-CSRF-Token`.
Tickets an agent may not see (other queues, other languages) answer 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy.orm import Session

from backend.core.deps import SessionDep
from backend.core.problems import ProblemError
from backend.core.schemas import PROBLEM_RESPONSES
from escalation.agents.auth import (
    DEVICE_COOKIE,
    DEVICE_MAX_AGE,
    PRE_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfUserDep,
    CurrentUserDep,
    check_pre_csrf,
    clear_cookie,
    new_token,
    set_cookie,
    sign_in,
    sign_out,
)
from escalation.console.directory import router as directory_router
from escalation.console.reveal_api import reveal
from escalation.console.reveals import log_reveal
from escalation.console.schemas import (
    AgentMessageIn,
    AgentOut,
    AssignIn,
    AvailabilityIn,
    CsrfOut,
    MessagesOut,
    QueueOut,
    ResolveIn,
    RevealIn,
    RevealOut,
    SessionOut,
    SignIn,
    TicketDetail,
    TransferIn,
)
from escalation.console.supervision import router as supervision_router
from escalation.console.views import (
    agent_brief,
    agent_names,
    agent_out,
    message_view,
    permissions,
    queue_view,
    ticket_detail,
)
from escalation.domain import AgentRole, Queue, TicketStatus
from escalation.models import Agent, Ticket
from escalation.runtime import Escalation, EscalationDep
from escalation.tickets import handling
from escalation.tickets.locking import lock_ticket_writes
from escalation.tickets.messages import messages_after
from escalation.tickets.routing import dispatch, open_loads
from escalation.tickets.service import get_ticket
from escalation.tickets.skills import can_view, is_supervisor, skilled


async def _no_store(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"


router = APIRouter(prefix="/console", tags=["console"], responses=PROBLEM_RESPONSES,
                   dependencies=[Depends(_no_store)])
TicketNumber = Annotated[str, Path(max_length=20)]


def ticket_for(session: Session, agent: Agent, number: str, *, lock: bool = False) -> Ticket:
    """Return a ticket the agent may see; 404 otherwise (no hint that it exists)."""
    ticket = get_ticket(session=session, number=number, lock=lock)
    if ticket is None or not can_view(agent, ticket):
        raise ProblemError(404, "not-found", "No such ticket in your queues.")
    return ticket


@router.get("/api/csrf")
def csrf(request: Request, response: Response, esc: EscalationDep) -> CsrfOut:
    """Issue the sign-in form's token (cookie and body must match on sign-in)."""
    token = request.cookies.get(PRE_CSRF_COOKIE) or new_token()
    set_cookie(response, request, esc, PRE_CSRF_COOKIE, token, 3600)
    return CsrfOut(csrf=token)


@router.post("/api/session", dependencies=[Depends(check_pre_csrf)])
def create_session(body: SignIn, request: Request, response: Response, esc: EscalationDep,
                   session: SessionDep) -> SessionOut:
    """Sign in; locks the address for a while, on unknown browsers, after repeated failures."""
    now = esc.clock()
    done = sign_in(session=session, esc=esc, email=body.email, password=body.password, now=now,
                   device_token=request.cookies.get(DEVICE_COOKIE),
                   client=request.client.host if request.client else None)
    agent, row = done.agent, done.row
    set_cookie(response, request, esc, SESSION_COOKIE, done.raw_token,
               int(esc.settings.session_ttl.total_seconds()))
    if done.new_device_token:
        set_cookie(response, request, esc, DEVICE_COOKIE, done.new_device_token, DEVICE_MAX_AGE)
    clear_cookie(response, request, esc, PRE_CSRF_COOKIE)
    dispatch(session, esc, now)
    session.commit()
    return SessionOut(agent=agent_out(agent, esc, now), csrf=row.csrf_token)


@router.delete("/api/session", status_code=204)
def delete_session(request: Request, response: Response, user: CsrfUserDep,
                   esc: EscalationDep, session: SessionDep) -> None:
    """Sign out this browser."""
    sign_out(session=session, row=user.session, now=esc.clock())
    clear_cookie(response, request, esc, SESSION_COOKIE)


@router.get("/api/me")
def me(user: CurrentUserDep, esc: EscalationDep, session: SessionDep) -> SessionOut:
    """Return the signed-in agent and the session's CSRF token (after a reload)."""
    now = esc.clock()
    load = open_loads(session).get(user.agent.id, 0)
    return SessionOut(agent=agent_out(user.agent, esc, now, load), csrf=user.session.csrf_token)


@router.put("/api/me/availability")
def availability(body: AvailabilityIn, user: CsrfUserDep, esc: EscalationDep,
                 session: SessionDep) -> AgentOut:
    """Start or stop taking new tickets (open ones stay yours)."""
    now = esc.clock()
    lock_ticket_writes(session)  # before the agent row: routing locks agent rows after it
    user.agent.accepting = body.accepting
    dispatch(session, esc, now)
    session.commit()
    return agent_out(user.agent, esc, now, open_loads(session).get(user.agent.id, 0))


@router.get("/api/queue")
def queue(user: CurrentUserDep, esc: EscalationDep, session: SessionDep) -> QueueOut:
    """List the agent's open tickets and the waiting tickets of their skills.

    The console polls this; it doubles as the routing heartbeat, so waiting tickets reach an
    agent who just came back.
    """
    if user.agent.role is AgentRole.EDITOR:
        raise ProblemError(403, "role-forbidden", "Editors do not handle tickets.")
    now = esc.clock()
    if user.agent.accepting and dispatch(session, esc, now):
        session.commit()
    return queue_view(session, user.agent, now)


@router.get("/api/tickets/{number}")
def read_ticket(number: TicketNumber, user: CurrentUserDep, esc: EscalationDep,
                session: SessionDep) -> TicketDetail:
    """Show a ticket with its transcript (personal data masked).

    Opening a security report is itself logged in the reveal log: who looked at a report
    matters as much as who unmasked it.
    """
    ticket = ticket_for(session, user.agent, number)
    now = esc.clock()
    if ticket.queue is Queue.SECURITY:
        log_reveal(session=session, agent=user.agent, ticket=ticket, target="view", kinds="",
                   now=now)
        session.commit()
    return ticket_detail(session, user.agent, ticket, now)


@router.get("/api/tickets/{number}/messages")
def new_messages(number: TicketNumber, user: CurrentUserDep, session: SessionDep,
                 after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0) -> MessagesOut:
    """Return the lines after `after`, in order, and the ticket's state (live view polling)."""
    ticket = ticket_for(session, user.agent, number)
    lines = messages_after(session=session, ticket_id=ticket.id, after=after)
    names = agent_names(session, [ticket.agent_id, *(m.agent_id for m in lines)])
    return MessagesOut(messages=[message_view(m, names) for m in lines], status=ticket.status,
                       agent=agent_brief(ticket, names), can=permissions(user.agent, ticket))


def _claim(session: Session, esc: Escalation, ticket: Ticket, agent: Agent) -> None:
    if ticket.status is TicketStatus.OPEN and ticket.agent_id == agent.id:
        return
    if not skilled(agent, ticket.queue, ticket.language):
        raise ProblemError(403, "agent-not-eligible", "You cannot take tickets of this queue.")
    lock_ticket_writes(session)  # count open tickets and assign as one step
    if (not is_supervisor(agent) and ticket.status is TicketStatus.PENDING
            and open_loads(session).get(agent.id, 0) >= agent.max_open):
        raise ProblemError(409, "at-capacity", "Resolve or transfer a ticket first.")
    handling.assign(session=session, esc=esc, ticket=ticket, agent=agent, by=agent,
                    now=esc.clock())


@router.post("/api/tickets/{number}/claim")
def claim(number: TicketNumber, user: CsrfUserDep, esc: EscalationDep,
          session: SessionDep) -> TicketDetail:
    """Take a waiting ticket."""
    ticket = ticket_for(session, user.agent, number, lock=True)
    _claim(session, esc, ticket, user.agent)
    session.commit()
    return ticket_detail(session, user.agent, ticket, esc.clock())


def _eligible_target(session: Session, ticket: Ticket, agent_id: int) -> Agent:
    target = session.get(Agent, agent_id)
    if target is None or not skilled(target, ticket.queue, ticket.language):
        raise ProblemError(422, "agent-not-eligible",
                           "That agent lacks the language or queue of this ticket.")
    return target


@router.post("/api/tickets/{number}/assign")
def assign(number: TicketNumber, body: AssignIn, user: CsrfUserDep, esc: EscalationDep,
           session: SessionDep) -> TicketDetail:
    """Give the ticket to a skilled agent (supervisors)."""
    if not is_supervisor(user.agent):
        raise ProblemError(403, "role-forbidden", "Only supervisors assign tickets.")
    ticket = ticket_for(session, user.agent, number, lock=True)
    target = _eligible_target(session, ticket, body.agent_id)
    handling.transfer_to_agent(session=session, esc=esc, ticket=ticket, target=target,
                               by=user.agent, now=esc.clock())
    session.commit()
    return ticket_detail(session, user.agent, ticket, esc.clock())


@router.post("/api/tickets/{number}/transfer")
def transfer(number: TicketNumber, body: TransferIn, user: CsrfUserDep, esc: EscalationDep,
             session: SessionDep) -> TicketDetail:
    """Hand your ticket to a skilled colleague, or back to a queue."""
    ticket = ticket_for(session, user.agent, number, lock=True)
    if ticket.agent_id != user.agent.id and not is_supervisor(user.agent):
        raise ProblemError(403, "not-assigned", "Only the ticket's agent can transfer it.")
    if (body.agent_id is None) == (body.queue is None):
        raise ProblemError(422, "validation-error", "Give either agent_id or queue.", errors=[])
    now = esc.clock()
    if body.agent_id is not None:
        target = _eligible_target(session, ticket, body.agent_id)
        handling.transfer_to_agent(session=session, esc=esc, ticket=ticket, target=target,
                                   by=user.agent, now=now)
    else:
        assert body.queue is not None
        handling.requeue(session=session, esc=esc, ticket=ticket, queue=body.queue,
                         by=user.agent, now=now)
        dispatch(session, esc, now)
    session.commit()
    return ticket_detail(session, user.agent, ticket, esc.clock())


@router.post("/api/tickets/{number}/messages", status_code=201)
def post_message(number: TicketNumber, body: AgentMessageIn, user: CsrfUserDep,
                 esc: EscalationDep, session: SessionDep) -> MessagesOut:
    """Reply to the citizen (sent live) or add an internal note (never sent)."""
    ticket = ticket_for(session, user.agent, number, lock=True)
    now = esc.clock()
    if body.internal:
        message, _ = handling.note(session=session, ticket=ticket, agent=user.agent,
                                   text=body.text, client_message_id=body.client_message_id,
                                   now=now)
    else:
        if ticket.status is TicketStatus.PENDING:
            _claim(session, esc, ticket, user.agent)  # answering a waiting ticket takes it
        message, _ = handling.reply(session=session, esc=esc, ticket=ticket, agent=user.agent,
                                    text=body.text, client_message_id=body.client_message_id,
                                    now=now)
    session.commit()
    names = agent_names(session, [ticket.agent_id, message.agent_id])
    return MessagesOut(messages=[message_view(message, names)], status=ticket.status,
                       agent=agent_brief(ticket, names), can=permissions(user.agent, ticket))


@router.post("/api/tickets/{number}/typing", status_code=204)
def post_typing(number: TicketNumber, user: CsrfUserDep, esc: EscalationDep,
                session: SessionDep) -> None:
    """Show the citizen that the agent is writing (a few seconds; nothing is stored in chat)."""
    ticket = ticket_for(session, user.agent, number, lock=True)
    if handling.typing(session=session, esc=esc, ticket=ticket, agent=user.agent,
                       now=esc.clock()):
        session.commit()


@router.post("/api/tickets/{number}/resolve")
def resolve(number: TicketNumber, body: ResolveIn, user: CsrfUserDep, esc: EscalationDep,
            session: SessionDep) -> TicketDetail:
    """Close the ticket with a summary; the assistant resumes and asks for a rating."""
    ticket = ticket_for(session, user.agent, number, lock=True)
    now = esc.clock()
    handling.resolve(session=session, esc=esc, ticket=ticket, agent=user.agent,
                     summary=body.summary.strip(), now=now)
    dispatch(session, esc, now)
    session.commit()
    return ticket_detail(session, user.agent, ticket, now)


@router.post("/api/tickets/{number}/reveal")
def reveal_route(number: TicketNumber, body: RevealIn, user: CsrfUserDep, esc: EscalationDep,
                 session: SessionDep) -> RevealOut:
    """Unmask personal data for this agent; the reveal is logged for supervisors."""
    ticket = ticket_for(session, user.agent, number)
    out = reveal(session=session, agent=user.agent, ticket=ticket, body=body, now=esc.clock())
    session.commit()
    return out


router.include_router(supervision_router)
router.include_router(directory_router)
