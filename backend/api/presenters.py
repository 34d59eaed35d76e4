"""Turn ORM rows into API schemas (one place decides what leaves the service)."""

from __future__ import annotations

from datetime import datetime

from backend.domain import PaymentMethod, PaymentStatus
from backend.models import Application, Bill, Citizen, Payment, Receipt, SecurityReport, Service
from backend.schemas.applications import (
    ApplicationDetailOut,
    ApplicationOut,
    NextStepOut,
    ServiceBrief,
    ServiceOut,
    StatusChangeOut,
)
from backend.schemas.citizens import ProfileOut
from backend.schemas.payments import BankInstructions, BillOut, PaymentOut, ReceiptOut
from backend.schemas.reports import SecurityReportOut
from backend.services.applications import next_step
from backend.services.fees import convenience_fee
from backend.services.links import LinkSigner
from privacy import mask_phone

STATUS_MESSAGES = {
    PaymentStatus.PENDING: "The transaction is being processed",
    PaymentStatus.SUCCEEDED: "Payment received",
    PaymentStatus.FAILED: "Payment failed",
    PaymentStatus.AWAITING_TRANSFER: "Waiting for the bank or PayBill payment",
    PaymentStatus.CANCELLED: "No longer needed: the bill was paid another way",
}


def mask_id_number(value: str) -> str:
    """Show only the last two digits of an ID number."""
    return "*" * max(len(value) - 2, 0) + value[-2:]


def mask_email(value: str | None) -> str | None:
    """Show the first letter and the domain of an email address."""
    if not value:
        return None
    name, _, domain = value.partition("@")
    return f"{name[:1]}***@{domain}"


def profile(citizen: Citizen) -> ProfileOut:
    """Present the citizen's profile with identifiers masked."""
    return ProfileOut(
        id=citizen.id,
        first_name=citizen.first_name,
        last_name=citizen.last_name,
        id_type=citizen.id_type,
        id_number_masked=mask_id_number(citizen.id_number),
        phone_masked=mask_phone(citizen.phone),
        email_masked=mask_email(citizen.email),
        preferred_language=citizen.preferred_language,
        signin_locked=citizen.signin_locked_at is not None,
        created_at=citizen.created_at,
    )


def service(item: Service) -> ServiceOut:
    """Present a catalogue entry with its total price."""
    fee = convenience_fee(item.fee_kes)
    return ServiceOut(
        code=item.code,
        name_en=item.name_en,
        name_sw=item.name_sw,
        agency_code=item.agency.code,
        agency_name_en=item.agency.name_en,
        agency_name_sw=item.agency.name_sw,
        fee_kes=item.fee_kes,
        convenience_fee_kes=fee,
        total_kes=item.fee_kes + fee,
        processing_days=item.processing_days,
    )


def bill(item: Bill) -> BillOut:
    """Present a bill."""
    return BillOut(
        id=item.id,
        application_reference=item.application.reference,
        service_code=item.application.service.code,
        amount_kes=item.amount_kes,
        convenience_fee_kes=item.convenience_fee_kes,
        total_kes=item.total_kes,
        paybill=item.paybill,
        account_number=item.account_number,
        status=item.status,
        created_at=item.created_at,
        paid_at=item.paid_at,
    )


def application(item: Application, item_bill: Bill | None) -> ApplicationOut:
    """Present an application with its next step."""
    step = next_step(item, item_bill)
    return ApplicationOut(
        reference=item.reference,
        service=ServiceBrief(
            code=item.service.code,
            name_en=item.service.name_en,
            name_sw=item.service.name_sw,
            agency_code=item.service.agency.code,
        ),
        status=item.status,
        next_step=NextStepOut(
            code=step.code,
            bill_id=step.bill_id,
            amount_due_kes=step.amount_due_kes,
            paybill=step.paybill,
            account_number=step.account_number,
            document=step.document,
            collection_office=step.collection_office,
            available_from=step.available_from,
        ),
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def application_detail(item: Application, item_bill: Bill | None) -> ApplicationDetailOut:
    """Present an application with history and bill."""
    return ApplicationDetailOut(
        **application(item, item_bill).model_dump(),
        history=[
            StatusChangeOut(
                from_status=h.from_status, to_status=h.to_status, note=h.note, at=h.created_at
            )
            for h in item.history
        ],
        bill=bill(item_bill) if item_bill else None,
    )


def payment(item: Payment, receipt_no: str | None, checkout_url: str | None) -> PaymentOut:
    """Present a payment attempt."""
    status = PaymentStatus(item.status)
    instructions = None
    if item.method == PaymentMethod.BANK:
        instructions = BankInstructions(
            paybill=item.bill.paybill,
            account_number=item.bill.account_number,
            amount_kes=item.amount_kes,
            note="Pay at any bank or agent, or by M-Pesa PayBill, quoting the account number.",
        )
    return PaymentOut(
        id=item.id,
        bill_id=item.bill_id,
        application_reference=item.bill.application.reference,
        method=item.method,
        status=status,
        status_message=STATUS_MESSAGES[status],
        amount_kes=item.amount_kes,
        phone_masked=mask_phone(item.phone) if item.phone else None,
        merchant_request_id=item.merchant_request_id,
        checkout_request_id=item.checkout_request_id,
        checkout_url=checkout_url if status is PaymentStatus.PENDING else None,
        bank_instructions=instructions,
        result_code=item.result_code,
        result_desc=item.result_desc,
        failure_reason=item.failure_reason,
        receipt_no=receipt_no,
        created_at=item.created_at,
        completed_at=item.completed_at,
    )


def receipt(item: Receipt, links: LinkSigner, now: datetime) -> ReceiptOut:
    """Present a receipt with a fresh signed download link."""
    url, expires_at = links.receipt_url(item.receipt_no, now)
    application_ = item.payment.bill.application
    return ReceiptOut(
        receipt_no=item.receipt_no,
        payment_id=item.payment_id,
        bill_id=item.bill_id,
        application_reference=application_.reference,
        service_code=application_.service.code,
        service_name_en=application_.service.name_en,
        service_name_sw=application_.service.name_sw,
        amount_kes=item.amount_kes,
        method=item.method,
        issued_at=item.issued_at,
        download_url=url,
        download_expires_at=expires_at,
    )


def report(item: SecurityReport) -> SecurityReportOut:
    """Present a security report."""
    return SecurityReportOut(
        reference=item.reference,
        category=item.category,
        severity=item.severity,
        status=item.status,
        anonymous=item.anonymous,
        contact_preference=item.contact_preference,
        protection_applied=list(item.protection_applied),
        created_at=item.created_at,
        updated_at=item.updated_at,
    )
