"""Bills and payments of the citizen."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from backend.api import presenters
from backend.api.deps import ContainerDep
from backend.container import Container
from backend.core.deps import (
    CitizenContext,
    DbId,
    IdempotencyKeyDep,
    ReaderDep,
    SessionDep,
    require_scope,
)
from backend.core.idempotency import StoredResponse, fingerprint, run_once
from backend.core.problems import ProblemError
from backend.core.schemas import PROBLEM_RESPONSES
from backend.crud import payments as crud
from backend.domain import BillStatus, PaymentMethod, PaymentStatus
from backend.models import Payment
from backend.schemas.payments import BillOut, PaymentOut, PaymentStartIn
from common.phones import parse_kenyan_mobile

router = APIRouter(prefix="/api/v1/me", tags=["payments"], responses=PROBLEM_RESPONSES)
PayScopeDep = Annotated[CitizenContext, Depends(require_scope("citizen:pay"))]


def _present(container: Container, session: Any, payment: Payment) -> PaymentOut:
    receipts = crud.receipt_numbers(session=session, payment_ids=[payment.id])
    checkout = None
    if payment.method == PaymentMethod.CARD and not container.settings.is_production:
        checkout = container.settings.url(f"/dev/card/{payment.id}")
    return presenters.payment(payment, receipts.get(payment.id), checkout)


@router.get("/bills")
def list_bills(
    ctx: ReaderDep,
    container: ContainerDep,
    session: SessionDep,
    status: Annotated[BillStatus | None, Query(description="unpaid, paid or cancelled")] = None,
) -> list[BillOut]:
    """List the citizen's bills, newest first."""
    result = [
        presenters.bill(b)
        for b in crud.list_bills(session=session, citizen_id=ctx.citizen.id, status=status)
    ]
    ctx.audit(session, container, "bills")
    session.commit()
    return result


@router.get("/bills/{bill_id}")
def get_bill(
    bill_id: DbId, ctx: ReaderDep, container: ContainerDep, session: SessionDep
) -> BillOut:
    """Show one bill."""
    bill = crud.get_bill(session=session, citizen_id=ctx.citizen.id, bill_id=bill_id)
    if bill is None:
        raise ProblemError(404, "not-found", "No such bill.")
    ctx.audit(session, container, f"bill:{bill_id}")
    session.commit()
    return presenters.bill(bill)


@router.post(
    "/bills/{bill_id}/payments",
    status_code=201,
    responses={200: {"model": PaymentOut, "description": "An attempt was already under way"}},
)
def start_payment(
    bill_id: DbId,
    body: PaymentStartIn,
    key: IdempotencyKeyDep,
    ctx: PayScopeDep,
    container: ContainerDep,
    session: SessionDep,
) -> JSONResponse:
    """Pay a bill by M-Pesa (STK push), card (hosted page) or bank (instructions).

    The same Idempotency-Key gives the same answer; a second start while an attempt is
    pending returns that attempt (200); a paid bill answers 409 bill-already-paid.
    """
    phone = None
    if body.method is PaymentMethod.MPESA:
        phone = parse_kenyan_mobile(body.phone) if body.phone else ctx.citizen.phone
        if phone is None:
            message = "a Kenyan mobile number such as 0712345678"
            raise ProblemError(
                422,
                "validation-error",
                f"phone: {message}",
                errors=[{"field": "phone", "message": message}],
            )
    citizen_id = ctx.citizen.id
    chat_identity = ctx.token.chat_identity  # the result goes back to this chat

    def work() -> StoredResponse:
        result = container.payments.start(
            session=session,
            citizen_id=citizen_id,
            bill_id=bill_id,
            method=body.method,
            phone=phone,
            chat_identity=chat_identity,
        )
        out = _present(container, session, result.payment)
        return StoredResponse(201 if result.created else 200, out.model_dump(mode="json"))

    stored = run_once(
        session=session,
        scope="start_payment",
        owner=f"citizen:{citizen_id}",
        key=key,
        request_fingerprint=fingerprint(bill_id, body.model_dump(mode="json")),
        work=work,
        now=container.clock(),
        lease=container.settings.idempotency_lease,
    )
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else None
    return JSONResponse(stored.body, status_code=stored.status_code, headers=headers)


@router.get("/payments")
def list_payments(ctx: ReaderDep, container: ContainerDep, session: SessionDep) -> list[PaymentOut]:
    """List the citizen's payment history, newest first."""
    payments = crud.list_payments(session=session, citizen_id=ctx.citizen.id)
    receipts = crud.receipt_numbers(session=session, payment_ids=[p.id for p in payments])
    result = [presenters.payment(p, receipts.get(p.id), None) for p in payments]
    ctx.audit(session, container, "payments")
    session.commit()
    return result


def _worth_asking(container: Container, payment: Payment) -> bool:
    """Tell whether a read should ask Daraja: a prompt old enough to have an answer."""
    sent = payment.push_sent_at
    return (
        payment.status == PaymentStatus.PENDING
        and payment.method == PaymentMethod.MPESA
        and sent is not None
        and container.clock() - sent >= container.settings.mpesa_query_after
    )


@router.get("/payments/{payment_id}")
def get_payment(
    payment_id: DbId, ctx: ReaderDep, container: ContainerDep, session: SessionDep
) -> PaymentOut:
    """Show a payment; one still pending is checked with Daraja first (at most every 5 s)."""
    payment = crud.get_payment(session=session, citizen_id=ctx.citizen.id, payment_id=payment_id)
    if payment is None:
        raise ProblemError(404, "not-found", "No such payment.")
    if _worth_asking(container, payment):
        session.commit()  # hold nothing while the reconciler asks Daraja
        container.reconciler.check(payment.id, force=True)
        session.expire_all()
        payment = crud.get_payment(session=session, citizen_id=ctx.citizen.id,
                                   payment_id=payment_id) or payment
    ctx.audit(session, container, f"payment:{payment_id}")
    session.commit()
    return _present(container, session, payment)
