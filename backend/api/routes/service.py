"""Endpoints the assistant calls as a service: events, chat identities, catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from backend.api import presenters
from backend.api.deps import ContainerDep
from backend.core import audit
from backend.core.deps import MAX_ID, DbId, ServiceAuthDep, SessionDep
from backend.core.events import events_after
from backend.core.problems import ProblemError
from backend.core.schemas import PROBLEM_RESPONSES
from backend.core.tokens import active_chat_identities
from backend.crud.catalogue import list_services
from backend.models import Citizen, Event
from backend.schemas.applications import ServiceOut
from backend.schemas.service import ChatIdentitiesOut, ChatIdentityOut, EventOut, EventsPage
from backend.services.identifiers import parse_chat_identity

router = APIRouter(prefix="/api/v1", tags=["service"], responses=PROBLEM_RESPONSES)


@router.get("/services")
def catalogue(session: SessionDep, _service: ServiceAuthDep) -> list[ServiceOut]:
    """List the services with fee, convenience fee and total in KES."""
    return [presenters.service(s) for s in list_services(session=session)]


@router.get("/service/events")
def list_events(
    session: SessionDep,
    _service: ServiceAuthDep,
    after: Annotated[int, Query(ge=0, le=MAX_ID, description="Last event id already handled")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EventsPage:
    """Return events with id > `after`, oldest first; keep `next_after` as the cursor."""
    events = events_after(session=session, after=after, limit=limit)
    latest = session.scalar(select(func.max(Event.id))) or 0
    return EventsPage(
        events=[
            EventOut(
                id=e.id,
                type=e.type,
                citizen_id=e.citizen_id,
                payload=e.payload,
                created_at=e.created_at,
            )
            for e in events
        ],
        next_after=events[-1].id if events else after,
        latest_id=latest,
    )


@router.get("/service/citizens/{citizen_id}/chat-identities")
def chat_identities(
    citizen_id: DbId, container: ContainerDep, session: SessionDep, service: ServiceAuthDep
) -> ChatIdentitiesOut:
    """Return the chats where the citizen holds a live token, most recently used first."""
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise ProblemError(404, "not-found", "No such citizen.")
    now = container.clock()
    uses = active_chat_identities(session=session, citizen_id=citizen_id, now=now)
    out = []
    for use in uses:
        channel, sender = parse_chat_identity(use.chat_identity) or ("", use.chat_identity)
        out.append(
            ChatIdentityOut(
                chat_identity=use.chat_identity,
                channel=channel,
                sender_id=sender,
                last_used_at=use.last_used_at,
            )
        )
    audit.record(
        session=session,
        service=service.name,
        action="read",
        resource="chat_identities",
        citizen_id=citizen_id,
        now=now,
    )
    session.commit()
    return ChatIdentitiesOut(
        citizen_id=citizen_id, preferred_language=citizen.preferred_language, chat_identities=out
    )
