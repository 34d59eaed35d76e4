"""The supervisor's payments view in the console: suspicious callbacks, payments awaiting M-Pesa.

Mounted beside the console's own API (same session cookie, same CSRF rule); only supervisors
see it, because raw callbacks carry phone numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.api.deps import ContainerDep
from backend.core.deps import SessionDep
from backend.core.problems import ProblemError
from backend.domain import CallbackVerdict, PaymentMethod, PaymentStatus
from backend.models import Bill, MpesaCallback, Payment
from escalation.agents.auth import ConsoleUser, CsrfUserDep, CurrentUserDep
from escalation.domain import AgentRole

router = APIRouter(prefix="/console/api/supervisor/payments", include_in_schema=False)
SHOWN = 200


class SuspiciousCallbackOut(BaseModel):
    """One callback that did not match what we sent."""

    id: int
    received_at: datetime
    source: str | None
    payment_id: int | None
    checkout_request_id: str | None
    result_code: int | None
    reason: str | None
    raw_body: str


class AwaitingPaymentOut(BaseModel):
    """One M-Pesa payment the reconciler is still asking about."""

    id: int
    account_reference: str | None
    amount_kes: int
    stage: str | None
    created_at: datetime
    check_attempts: int
    next_check_at: datetime | None


class PaymentsReview(BaseModel):
    """What a supervisor watches about money."""

    suspicious: list[SuspiciousCallbackOut]
    awaiting: list[AwaitingPaymentOut]
    paid_twice: list[str]


def _supervisor(user: ConsoleUser) -> None:
    if user.agent.role is not AgentRole.SUPERVISOR:
        raise ProblemError(403, "role-forbidden", "Only supervisors see payments.")


@router.get("")
def review(user: CurrentUserDep, container: ContainerDep, session: SessionDep) -> PaymentsReview:
    """List unreviewed suspicious callbacks, payments awaiting M-Pesa and bills paid twice."""
    _supervisor(user)
    suspicious = session.scalars(
        select(MpesaCallback)
        .where(MpesaCallback.verdict == CallbackVerdict.SUSPICIOUS,
               MpesaCallback.reviewed_at.is_(None))
        .order_by(MpesaCallback.id.desc())
        .limit(SHOWN)
    ).all()
    awaiting = session.scalars(
        select(Payment)
        .where(Payment.method == PaymentMethod.MPESA, Payment.status == PaymentStatus.PENDING,
               Payment.created_at <= container.clock() - container.settings.mpesa_query_after)
        .order_by(Payment.created_at)
        .limit(SHOWN)
    ).all()
    twice = session.execute(
        select(Payment.bill_id)
        .where(Payment.status == PaymentStatus.SUCCEEDED)
        .group_by(Payment.bill_id)
        .having(func.count() > 1)
    ).scalars().all()
    accounts = [b.account_number for b in _bills(session, list(twice))]
    session.commit()
    return PaymentsReview(
        suspicious=[SuspiciousCallbackOut.model_validate(c, from_attributes=True)
                    for c in suspicious],
        awaiting=[AwaitingPaymentOut(
            id=p.id, account_reference=p.account_reference, amount_kes=p.amount_kes,
            stage=p.push_stage, created_at=p.created_at, check_attempts=p.check_attempts,
            next_check_at=p.next_check_at) for p in awaiting],
        paid_twice=accounts,
    )


@router.post("/callbacks/{callback_id}/reviewed", status_code=204)
def mark_reviewed(
    callback_id: Annotated[int, Path(ge=1, le=2**62)],
    user: CsrfUserDep,
    container: ContainerDep,
    session: SessionDep,
) -> None:
    """Record that a supervisor looked at a suspicious callback (it stays in the record)."""
    _supervisor(user)
    record = session.get(MpesaCallback, callback_id, with_for_update=True)
    if record is None or record.verdict is not CallbackVerdict.SUSPICIOUS:
        raise ProblemError(404, "not-found")
    if record.reviewed_at is None:
        record.reviewed_at, record.reviewed_by = container.clock(), user.agent.email
    session.commit()


def _bills(session: Session, ids: list[int]) -> list[Bill]:
    return list(session.scalars(select(Bill).where(Bill.id.in_(ids)))) if ids else []
