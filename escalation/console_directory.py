"""Console directory: colleagues (for transfer and assign) and canned replies."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from backend.api.deps import SessionDep
from backend.domain import Language
from backend.problems import ProblemError
from escalation.auth import CsrfUserDep, CurrentUserDep
from escalation.canned import add_canned, list_canned
from escalation.console_schemas import AgentOut, CannedIn, CannedOut
from escalation.console_views import agent_out
from escalation.domain import AgentRole
from escalation.models import Agent
from escalation.routing import open_loads
from escalation.runtime import EscalationDep

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
