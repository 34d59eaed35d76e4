"""What the console shows: queue rows, ticket details and transcript lines, masked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core.models import Citizen
from escalation.console.reveals import masked
from escalation.console.schemas import (
    AgentBrief,
    AgentOut,
    CitizenView,
    Permissions,
    QueueOut,
    TicketDetail,
    TicketSummary,
)
from escalation.console.schemas import MessageView as MessageViewOut
from escalation.domain import ACTIVE_STATUSES, PRIORITY_RANK, MessageKind, TicketStatus
from escalation.models import Agent, Ticket, TicketMessage
from escalation.runtime import Escalation
from escalation.tickets.messages import messages_after
from escalation.tickets.skills import can_view, is_supervisor, skilled
from escalation.tickets.sla import is_breached
from privacy.redact import mask, mask_phone

AUTHORS = {MessageKind.CITIZEN: "Citizen", MessageKind.BOT: "Msaidizi",
           MessageKind.SYSTEM: "System"}
PREVIEW = 120


def agent_out(agent: Agent, esc: Escalation, now: datetime, load: int = 0) -> AgentOut:
    """Present a console user."""
    seen = agent.last_seen_at
    return AgentOut(
        id=agent.id, email=agent.email, name=agent.name, display_name=agent.display_name,
        role=agent.role, languages=sorted(agent.language_set), queues=sorted(agent.queue_set),
        max_open=agent.max_open, accepting=agent.accepting, open_tickets=load,
        present=seen is not None and seen >= now - esc.settings.presence_window,
    )


def permissions(agent: Agent, ticket: Ticket) -> Permissions:
    """Work out which buttons the agent gets for this ticket."""
    visible = can_view(agent, ticket)
    own = ticket.agent_id == agent.id or is_supervisor(agent)
    claimable = (ticket.status is TicketStatus.PENDING and visible
                 and skilled(agent, ticket.queue, ticket.language))
    is_open = ticket.status is TicketStatus.OPEN
    return Permissions(
        claim=claimable,
        reply=(is_open and own) or claimable,  # answering a waiting ticket claims it
        note=visible,
        transfer=ticket.status in ACTIVE_STATUSES and own,
        assign=is_supervisor(agent) and ticket.status in ACTIVE_STATUSES,
        resolve=is_open and own,
    )


def message_view(message: TicketMessage, names: dict[int, str]) -> MessageViewOut:
    """Present a transcript line with personal data masked."""
    shown = masked(message.text)
    if message.agent_id is not None:
        author = names.get(message.agent_id, "Agent")
    else:
        author = AUTHORS.get(message.kind, "Agent")
    return MessageViewOut(id=message.id, seq=message.seq, kind=message.kind, author=author,
                          text=shown.text, has_pii=shown.has_pii, sent_at=message.sent_at)


def agent_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Return agent names by id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Agent.id, Agent.name).where(Agent.id.in_(wanted)))
    return {agent_id: name for agent_id, name in rows}


def agent_brief(ticket: Ticket, names: dict[int, str]) -> AgentBrief | None:
    """Return who holds the ticket, if anyone."""
    if ticket.agent_id is None:
        return None
    return AgentBrief(id=ticket.agent_id, name=names.get(ticket.agent_id, "?"))


def summary(ticket: Ticket, names: dict[int, str], preview: str, now: datetime
            ) -> TicketSummary:
    """Present a queue row."""
    since = ticket.created_at if ticket.status is TicketStatus.PENDING else ticket.assigned_at
    waiting = int(((now - since).total_seconds()) // 60) if since else 0
    return TicketSummary(
        number=ticket.number, status=ticket.status, queue=ticket.queue,
        category=ticket.category, language=ticket.language, priority=ticket.priority,
        reason=ticket.reason.value, created_at=ticket.created_at, waiting_minutes=max(0, waiting),
        sla_due_at=ticket.sla_due_at, sla_breached=is_breached(ticket, now),
        agent=agent_brief(ticket, names), preview=preview, linked=ticket.citizen_id is not None,
        last_seq=ticket.last_seq,
    )


def previews(session: Session, ticket_ids: Sequence[int]) -> dict[int, str]:
    """Return the last citizen line of each ticket, masked and shortened."""
    if not ticket_ids:
        return {}
    last = (
        select(TicketMessage.ticket_id, func.max(TicketMessage.seq).label("seq"))
        .where(TicketMessage.ticket_id.in_(ticket_ids), TicketMessage.kind == MessageKind.CITIZEN)
        .group_by(TicketMessage.ticket_id)
        .subquery()
    )
    rows = session.execute(
        select(TicketMessage.ticket_id, TicketMessage.text).join(
            last, (TicketMessage.ticket_id == last.c.ticket_id) & (TicketMessage.seq == last.c.seq)
        )
    )
    return {tid: masked(text).text[:PREVIEW] for tid, text in rows}


def queue_view(session: Session, agent: Agent, now: datetime) -> QueueOut:
    """List what the agent works on: their open tickets, then the waiting tickets they may take.

    Supervisors see every active ticket.
    """
    active = session.scalars(select(Ticket).where(Ticket.status.in_(ACTIVE_STATUSES))).all()
    mine = [t for t in active if t.agent_id == agent.id]
    waiting = [t for t in active
               if t.status is TicketStatus.PENDING and can_view(agent, t) and t not in mine]
    others = [t for t in active if is_supervisor(agent) and t.status is TicketStatus.OPEN
              and t.agent_id != agent.id]

    def order(t: Ticket) -> tuple[int, datetime, int]:
        return (-PRIORITY_RANK[t.priority], t.created_at, t.id)

    shown = sorted(mine, key=order) + sorted(waiting, key=order) + sorted(others, key=order)
    names = agent_names(session, (t.agent_id for t in shown))
    texts = previews(session, [t.id for t in shown])
    return QueueOut(tickets=[summary(t, names, texts.get(t.id, ""), now) for t in shown],
                    pending=len(waiting), mine=len(mine))


def citizen_view(citizen: Citizen, *, reveal: bool) -> CitizenView:
    """Present the linked citizen: initial of the surname and masked numbers, unless revealed."""
    if reveal:
        return CitizenView(name=f"{citizen.first_name} {citizen.last_name}",
                           id_number=citizen.id_number, phone=citizen.phone, email=citizen.email)
    return CitizenView(
        name=f"{citizen.first_name} {citizen.last_name[:1]}.",
        id_number=mask(citizen.id_number), phone=mask_phone(citizen.phone),
        email=mask(citizen.email) if citizen.email else None,
    )


def ticket_detail(session: Session, agent: Agent, ticket: Ticket, now: datetime
                  ) -> TicketDetail:
    """Present a ticket with its whole transcript, masked."""
    lines = messages_after(session=session, ticket_id=ticket.id, after=0, limit=5000)
    names = agent_names(session, [ticket.agent_id, *(m.agent_id for m in lines)])
    texts = previews(session, [ticket.id])
    base = summary(ticket, names, texts.get(ticket.id, ""), now)
    citizen = session.get(Citizen, ticket.citizen_id) if ticket.citizen_id else None
    shown_summary = masked(ticket.summary) if ticket.summary else None
    return TicketDetail(
        **base.model_dump(),
        summary=shown_summary.text if shown_summary else None,
        summary_has_pii=bool(shown_summary and shown_summary.has_pii),
        security_report_reference=ticket.security_report_reference,
        channel=ticket.channel,
        resolution_summary=ticket.resolution_summary,
        rating=ticket.rating,
        rating_comment=masked(ticket.rating_comment).text if ticket.rating_comment else None,
        citizen=citizen_view(citizen, reveal=False) if citizen else None,
        messages=[message_view(m, names) for m in lines],
        can=permissions(agent, ticket),
    )
