"""The citizen's profile and everything held about them."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from backend.api import presenters
from backend.api.deps import ContainerDep
from backend.core.deps import ReaderDep, SessionDep
from backend.core.schemas import PROBLEM_RESPONSES
from backend.crud import applications as app_crud
from backend.crud import payments as pay_crud
from backend.crud import security_reports as report_crud
from backend.models import AuditEntry, CitizenToken
from backend.schemas.citizens import ChatSessionOut, MyDataOut, ProfileOut
from backend.services.applications import bill_for

router = APIRouter(prefix="/api/v1/me", tags=["me"], responses=PROBLEM_RESPONSES)


@router.get("")
def get_profile(ctx: ReaderDep, container: ContainerDep, session: SessionDep) -> ProfileOut:
    """Show the citizen's profile, identifiers masked."""
    ctx.audit(session, container, "profile")
    session.commit()
    return presenters.profile(ctx.citizen)


@router.get("/data")
def get_my_data(ctx: ReaderDep, container: ContainerDep, session: SessionDep) -> MyDataOut:
    """Export everything held about the citizen, unmasked (right of access)."""
    citizen, now = ctx.citizen, container.clock()
    applications = app_crud.list_for_citizen(session=session, citizen_id=citizen.id)
    payments = pay_crud.list_payments(session=session, citizen_id=citizen.id)
    receipts = pay_crud.receipt_numbers(session=session, payment_ids=[p.id for p in payments])
    tokens = session.scalars(
        select(CitizenToken).where(CitizenToken.citizen_id == citizen.id).order_by(CitizenToken.id)
    )
    audit_rows = session.scalars(
        select(AuditEntry).where(AuditEntry.citizen_id == citizen.id).order_by(AuditEntry.id)
    )
    result = MyDataOut(
        generated_at=now,
        profile={
            "id": citizen.id,
            "id_type": citizen.id_type,
            "id_number": citizen.id_number,
            "first_name": citizen.first_name,
            "last_name": citizen.last_name,
            "phone": citizen.phone,
            "email": citizen.email,
            "preferred_language": citizen.preferred_language,
            "signin_locked_at": citizen.signin_locked_at,
            "created_at": citizen.created_at,
        },
        applications=[
            presenters.application_detail(
                a, bill_for(session=session, application_id=a.id)
            ).model_dump(mode="json")
            for a in applications
        ],
        bills=[
            presenters.bill(b).model_dump(mode="json")
            for b in pay_crud.list_bills(session=session, citizen_id=citizen.id)
        ],
        payments=[
            {
                **presenters.payment(p, receipts.get(p.id), None).model_dump(mode="json"),
                "phone": p.phone,
            }
            for p in payments
        ],
        receipts=[
            presenters.receipt(r, container.links, now).model_dump(mode="json")
            for r in pay_crud.list_receipts(session=session, citizen_id=citizen.id)
        ],
        security_reports=[
            {
                **presenters.report(r).model_dump(mode="json"),
                "description": r.description,
                "transaction_reference": r.transaction_reference,
            }
            for r in report_crud.list_for_citizen(session=session, citizen_id=citizen.id)
        ],
        chat_sessions=[
            ChatSessionOut(
                chat_identity=t.chat_identity,
                scopes=sorted(t.scope_set),
                created_at=t.created_at,
                expires_at=t.expires_at,
                last_used_at=t.last_used_at,
                revoked_at=t.revoked_at,
                revoked_reason=t.revoked_reason,
            )
            for t in tokens
        ],
        audit_log=[
            {
                "at": a.at.isoformat(),
                "service": a.service,
                "action": a.action,
                "resource": a.resource,
            }
            for a in audit_rows
        ],
    )
    ctx.audit(session, container, "data_export")
    session.commit()
    return result
