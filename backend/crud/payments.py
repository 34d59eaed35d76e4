"""Bills, payments and receipts as one citizen sees them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.domain import BillStatus
from backend.models import Bill, Payment, Receipt


def list_bills(
    *, session: Session, citizen_id: int, status: BillStatus | None = None
) -> Sequence[Bill]:
    """Return the citizen's bills, newest first, optionally of one status."""
    stmt = select(Bill).where(Bill.citizen_id == citizen_id)
    if status is not None:
        stmt = stmt.where(Bill.status == status)
    return session.scalars(stmt.order_by(Bill.id.desc())).all()


def get_bill(*, session: Session, citizen_id: int, bill_id: int) -> Bill | None:
    """Return one of the citizen's bills."""
    return session.scalar(select(Bill).where(Bill.id == bill_id, Bill.citizen_id == citizen_id))


def list_payments(*, session: Session, citizen_id: int) -> Sequence[Payment]:
    """Return the citizen's payment attempts, newest first."""
    return session.scalars(
        select(Payment).where(Payment.citizen_id == citizen_id).order_by(Payment.id.desc())
    ).all()


def get_payment(*, session: Session, citizen_id: int, payment_id: int) -> Payment | None:
    """Return one of the citizen's payments."""
    return session.scalar(
        select(Payment).where(Payment.id == payment_id, Payment.citizen_id == citizen_id)
    )


def receipt_numbers(*, session: Session, payment_ids: Sequence[int]) -> dict[int, str]:
    """Map payment ids to their receipt numbers."""
    if not payment_ids:
        return {}
    rows = session.execute(
        select(Receipt.payment_id, Receipt.receipt_no).where(Receipt.payment_id.in_(payment_ids))
    )
    return {payment_id: number for payment_id, number in rows}


def list_receipts(*, session: Session, citizen_id: int) -> Sequence[Receipt]:
    """Return the citizen's receipts, newest first."""
    return session.scalars(
        select(Receipt).where(Receipt.citizen_id == citizen_id).order_by(Receipt.id.desc())
    ).all()


def get_receipt(
    *, session: Session, receipt_no: str, citizen_id: int | None = None
) -> Receipt | None:
    """Return a receipt by number, limited to one citizen when `citizen_id` is given."""
    stmt = select(Receipt).where(Receipt.receipt_no == receipt_no)
    if citizen_id is not None:
        stmt = stmt.where(Receipt.citizen_id == citizen_id)
    return session.scalar(stmt)
