"""Receipts: JSON for the assistant, HTML through a signed link for the citizen's browser."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from backend.api import presenters
from backend.api.deps import ContainerDep
from backend.core import audit
from backend.core.deps import ReaderDep, SessionDep
from backend.core.problems import ProblemError
from backend.core.schemas import PROBLEM_RESPONSES
from backend.crud import payments as crud
from backend.models import Citizen
from backend.schemas.payments import ReceiptOut
from backend.services.receipt_page import error_page, render_receipt

router = APIRouter(tags=["receipts"], responses=PROBLEM_RESPONSES)


@router.get("/api/v1/me/receipts")
def list_receipts(ctx: ReaderDep, container: ContainerDep, session: SessionDep) -> list[ReceiptOut]:
    """List the citizen's receipts with fresh download links."""
    now = container.clock()
    result = [
        presenters.receipt(r, container.links, now)
        for r in crud.list_receipts(session=session, citizen_id=ctx.citizen.id)
    ]
    ctx.audit(session, container, "receipts")
    session.commit()
    return result


@router.get("/api/v1/me/receipts/{receipt_no}")
def get_receipt(
    receipt_no: str, ctx: ReaderDep, container: ContainerDep, session: SessionDep
) -> ReceiptOut:
    """Show one receipt with a signed link the citizen can open in a browser."""
    receipt = crud.get_receipt(session=session, receipt_no=receipt_no, citizen_id=ctx.citizen.id)
    if receipt is None:
        raise ProblemError(404, "not-found", "No such receipt.")
    ctx.audit(session, container, f"receipt:{receipt.id}")
    session.commit()
    return presenters.receipt(receipt, container.links, container.clock())


@router.get("/receipts/{receipt_no}", response_class=HTMLResponse, include_in_schema=True)
def download_receipt(
    receipt_no: str,
    container: ContainerDep,
    session: SessionDep,
    exp: Annotated[int, Query()] = 0,
    sig: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """Render a receipt as a printable page; the signed link is the only credential."""
    now = container.clock()
    if not container.links.check("receipt", receipt_no, exp, sig, now):
        return HTMLResponse(error_page(), status_code=404)
    receipt = crud.get_receipt(session=session, receipt_no=receipt_no)
    if receipt is None:
        return HTMLResponse(error_page(), status_code=404)
    citizen = session.get(Citizen, receipt.citizen_id)
    assert citizen is not None
    audit.record(
        session=session,
        service="signed_link",
        action="read",
        resource=f"receipt:{receipt.id}",
        citizen_id=citizen.id,
        now=now,
    )
    session.commit()
    return HTMLResponse(
        render_receipt(presenters.receipt(receipt, container.links, now), citizen, receipt),
        headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"},
    )
