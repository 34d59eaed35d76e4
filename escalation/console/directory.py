"""Console directory: colleagues (for transfer and assign) and canned replies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import select

from backend.core.deps import SessionDep
from backend.core.domain import Language
from backend.core.problems import ProblemError
from escalation.agents.auth import CsrfUserDep, CurrentUserDep, unlock
from escalation.console.canned import add_canned, list_canned
from escalation.console.schemas import AgentOut, CannedIn, CannedOut
from escalation.console.views import agent_out
from escalation.domain import AgentRole
from escalation.models import Agent
from escalation.runtime import EscalationDep
from escalation.tickets.routing import open_loads

router = APIRouter()


@router.get("/api/agents")
def agents(user: CurrentUserDep, esc: EscalationDep, session: SessionDep) -> list[AgentOut]:
    """List active colleagues who handle tickets, with their load (for transfer and assign)."""
    now = esc.clock()
    loads = open_loads(session)
    rows = session.scalars(select(Agent).where(Agent.active.is_(True),
                                               Agent.role != AgentRole.EDITOR)
                           .order_by(Agent.name)).all()
    return [agent_out(a, esc, now, loads.get(a.id, 0)) for a in rows]


@router.post("/api/agents/{agent_id}/unlock", status_code=204)
def unlock_agent(agent_id: Annotated[int, Path(ge=1, le=2**62)], user: CsrfUserDep,
                 esc: EscalationDep, session: SessionDep) -> None:
    """Lift a colleague's sign-in locks (supervisors): someone else's guesses locked them out."""
    if user.agent.role is not AgentRole.SUPERVISOR:
        raise ProblemError(403, "role-forbidden", "Only supervisors lift sign-in locks.")
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise ProblemError(404, "not-found")
    unlock(session=session, email=agent.email, now=esc.clock())
    session.commit()


@router.get("/api/canned")
def canned(user: CurrentUserDep, session: SessionDep, language: Language | None = None
           ) -> list[CannedOut]:
    """List canned replies (built-in and custom), optionally of one language."""
    return list_canned(session=session, language=language)


@router.post("/api/canned", status_code=201)
def create_canned(body: CannedIn, user: CsrfUserDep, esc: EscalationDep,
                  session: SessionDep) -> CannedOut:
    """Add a canned reply (editors and supervisors)."""
    if user.agent.role not in (AgentRole.EDITOR, AgentRole.SUPERVISOR):
        raise ProblemError(403, "role-forbidden", "Only editors and supervisors add replies.")
    row = add_canned(session=session, data=body, by=user.agent, now=esc.clock())
    session.commit()
    return CannedOut(id=str(row.id), title=row.title, language=row.language, text=row.text,
                     builtin=False)
