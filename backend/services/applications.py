"""Applications: creation, status changes (validated in one place) and the next step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.domain import EventType
from backend.core.events import append_event
from backend.core.problems import ProblemError
from backend.domain import ApplicationStatus, BillStatus, NextStep, RequiredAction, can_transition
from backend.models import Application, Bill, Citizen, Service, StatusChange
from backend.services.fees import convenience_fee
from backend.services.references import new_account_number, new_reference

# Notes the system itself writes into an application's history, in English. The assistant
# shows them translated (bot/intents/office_notes.py holds the same texts for its catalogs;
# a test keeps both lists equal); any other note is an officer's own words and is shown as such.
APPLICATION_STARTED_NOTE = "Application started."
PAYMENT_RECEIVED_NOTE = "Payment received. Your application has been submitted."
SYSTEM_NOTES = (APPLICATION_STARTED_NOTE, PAYMENT_RECEIVED_NOTE)


@dataclass(frozen=True, slots=True)
class NextStepInfo:
    """The next thing the citizen should do, as a code plus the data to say it."""

    code: NextStep
    bill_id: int | None = None
    amount_due_kes: int | None = None
    paybill: str | None = None
    account_number: str | None = None
    document: str | None = None
    collection_office: str | None = None
    available_from: date | None = None


def next_step(application: Application, bill: Bill | None) -> NextStepInfo:
    """Work out what the citizen should do next for `application`."""
    status = ApplicationStatus(application.status)
    if status is ApplicationStatus.DRAFT:
        return NextStepInfo(NextStep.COMPLETE_APPLICATION)
    if status is ApplicationStatus.PENDING_PAYMENT:
        if bill is None or bill.status != BillStatus.UNPAID:
            return NextStepInfo(NextStep.WAIT)
        return NextStepInfo(
            NextStep.PAY,
            bill_id=bill.id,
            amount_due_kes=bill.total_kes,
            paybill=bill.paybill,
            account_number=bill.account_number,
        )
    if status is ApplicationStatus.ACTION_REQUIRED:
        if application.required_action == RequiredAction.BOOK_BIOMETRICS:
            return NextStepInfo(NextStep.BOOK_BIOMETRICS)
        return NextStepInfo(NextStep.UPLOAD_DOCUMENT, document=application.required_document)
    if status is ApplicationStatus.READY_FOR_COLLECTION:
        return NextStepInfo(
            NextStep.COLLECT,
            collection_office=application.collection_office,
            available_from=application.collection_from,
        )
    if status in {ApplicationStatus.REJECTED, ApplicationStatus.COLLECTED}:
        return NextStepInfo(NextStep.NONE)
    return NextStepInfo(NextStep.WAIT)


def bill_for(*, session: Session, application_id: int) -> Bill | None:
    """Return the bill of an application, if it has one."""
    return session.scalar(select(Bill).where(Bill.application_id == application_id))


def create_application(
    *,
    session: Session,
    citizen: Citizen,
    service: Service,
    now: datetime,
    reference: str | None = None,
    note: str = APPLICATION_STARTED_NOTE,
) -> Application:
    """Start a draft application with its first history entry."""
    application = Application(
        reference=reference
        or new_reference(session=session, prefix=service.reference_prefix, now=now),
        citizen_id=citizen.id,
        service_id=service.id,
        service=service,
        status=ApplicationStatus.DRAFT,
        created_at=now,
        updated_at=now,
    )
    session.add(application)
    session.flush()
    session.add(
        StatusChange(
            application_id=application.id,
            from_status=None,
            to_status=ApplicationStatus.DRAFT,
            note=note,
            actor="citizen",
            created_at=now,
        )
    )
    session.flush()
    return application


def issue_bill(*, session: Session, application: Application, paybill: str, now: datetime) -> Bill:
    """Create the application's bill: service fee plus convenience fee (once per application)."""
    existing = bill_for(session=session, application_id=application.id)
    if existing is not None:
        return existing
    amount = application.service.fee_kes
    fee = convenience_fee(amount)
    bill = Bill(
        application_id=application.id,
        citizen_id=application.citizen_id,
        account_number=new_account_number(session=session),
        paybill=paybill,
        amount_kes=amount,
        convenience_fee_kes=fee,
        total_kes=amount + fee,
        status=BillStatus.UNPAID,
        created_at=now,
    )
    session.add(bill)
    session.flush()
    return bill


def change_status(
    *,
    session: Session,
    application: Application,
    to: ApplicationStatus,
    note: str,
    now: datetime,
    actor: str = "agency",
    required_action: RequiredAction | None = None,
    required_document: str | None = None,
    collection_office: str | None = None,
    collection_from: date | None = None,
) -> StatusChange:
    """Move an application to `to`, record history and an outbox event in the same transaction.

    Raises:
        ProblemError: `invalid-transition` (409) when the machine does not allow the change.
    """
    current = ApplicationStatus(application.status)
    if not can_transition(current, to):
        raise ProblemError(409, "invalid-transition", f"{current} -> {to} is not allowed")
    if to is ApplicationStatus.ACTION_REQUIRED and required_action is None:
        raise ValueError("action_required needs required_action")
    application.status = to
    application.updated_at = now
    application.required_action = (
        required_action if to is ApplicationStatus.ACTION_REQUIRED else None
    )
    application.required_document = required_document if required_action else None
    if to is ApplicationStatus.READY_FOR_COLLECTION:
        application.collection_office = collection_office
        application.collection_from = collection_from
    change = StatusChange(
        application_id=application.id,
        from_status=current,
        to_status=to,
        note=note,
        actor=actor,
        created_at=now,
    )
    session.add(change)
    session.flush()
    step = next_step(application, bill_for(session=session, application_id=application.id))
    append_event(
        session=session,
        type=EventType.APPLICATION_STATUS_CHANGED,
        citizen_id=application.citizen_id,
        payload={
            "application_reference": application.reference,
            "service_code": application.service.code,
            # the names let the assistant say "your application for <service>" in a push
            "service_name_en": application.service.name_en,
            "service_name_sw": application.service.name_sw,
            "from_status": current.value,
            "to_status": to.value,
            "note": note,
            "next_step": step.code.value,
        },
        now=now,
    )
    return change
