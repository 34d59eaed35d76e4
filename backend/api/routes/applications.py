"""The citizen's applications, with history and next step."""

from __future__ import annotations

from fastapi import APIRouter

from backend.api import presenters
from backend.api.deps import ContainerDep
from backend.core.deps import ReaderDep, SessionDep
from backend.core.problems import ProblemError
from backend.core.schemas import PROBLEM_RESPONSES
from backend.crud import applications as crud
from backend.schemas.applications import ApplicationDetailOut, ApplicationOut
from backend.services.applications import bill_for

router = APIRouter(
    prefix="/api/v1/me/applications", tags=["applications"], responses=PROBLEM_RESPONSES
)


@router.get("")
def list_applications(
    ctx: ReaderDep, container: ContainerDep, session: SessionDep
) -> list[ApplicationOut]:
    """List the citizen's applications, newest first."""
    items = crud.list_for_citizen(session=session, citizen_id=ctx.citizen.id)
    bills = crud.bills_by_application(session=session, citizen_id=ctx.citizen.id)
    result = [presenters.application(a, bills.get(a.id)) for a in items]
    ctx.audit(session, container, "applications")
    session.commit()
    return result


@router.get("/{reference}")
def get_application(
    reference: str, ctx: ReaderDep, container: ContainerDep, session: SessionDep
) -> ApplicationDetailOut:
    """Show one application; another citizen's reference answers 404."""
    item = crud.get_for_citizen(session=session, citizen_id=ctx.citizen.id, reference=reference)
    if item is None:
        raise ProblemError(404, "not-found", "No application with that reference.")
    result = presenters.application_detail(item, bill_for(session=session, application_id=item.id))
    ctx.audit(session, container, f"application:{item.reference}")
    session.commit()
    return result
