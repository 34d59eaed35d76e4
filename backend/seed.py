"""Demo data: the catalogue and six obviously fake citizens covering every status.

Loading is idempotent: citizens are matched by ID number and applications by reference, and
anything already there is left alone. Documented in docs/backend-api.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from backend.config import BackendSettings
from backend.core.domain import IdType, Language
from backend.core.sequences import reserve_number
from backend.crud.applications import get_by_reference
from backend.crud.catalogue import get_service, sync_catalogue
from backend.crud.citizens import get_by_id_number
from backend.domain import ApplicationStatus, PaymentMethod, RequiredAction
from backend.models import Application, Citizen
from backend.services.applications import change_status, create_application, issue_bill
from backend.services.daraja import StatementEntry, StkAck, StkQueryResult
from backend.services.payments import PaymentService
from escalation.seed import seed_demo_agents

logger = logging.getLogger(__name__)
S = ApplicationStatus


@dataclass(frozen=True, slots=True)
class AppSeed:
    """One seeded application and where it should stand."""

    reference: str
    service: str
    status: ApplicationStatus
    receipt: str | None = None  # M-Pesa receipt when it was paid
    document: str | None = None
    biometrics: bool = False
    office: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CitizenSeed:
    """One seeded citizen with applications."""

    id_number: str
    first_name: str
    last_name: str
    phone: str
    email: str | None
    language: Language
    id_type: IdType = IdType.NATIONAL
    applications: tuple[AppSeed, ...] = field(default=())


CITIZENS: tuple[CitizenSeed, ...] = (
    CitizenSeed(
        "12345678",
        "Wanjiru",
        "Kamau",
        "254712345678",
        "wanjiru.kamau@example.com",
        Language.SW,
        applications=(
            AppSeed("PP-2025-000123", "passport_34", S.UNDER_REVIEW, "SJK3AB45CD"),
            AppSeed("GC-2025-000456", "good_conduct", S.PENDING_PAYMENT),
            AppSeed("DL-2025-000789", "smart_dl_renewal", S.APPROVED, "SJK4XY12AB"),
        ),
    ),
    CitizenSeed(
        "23456789",
        "John",
        "Otieno",
        "254722000111",
        "john.otieno@example.com",
        Language.EN,
        applications=(
            AppSeed(
                "BC-2025-000210",
                "birth_certificate",
                S.READY_FOR_COLLECTION,
                "SJL1CD23EF",
                office="Huduma Centre GPO, Nairobi",
            ),
            AppSeed("BN-2025-000311", "business_name_registration", S.DRAFT),
        ),
    ),
    CitizenSeed(
        "34567890",
        "Amina",
        "Hassan",
        "254733000222",
        None,
        Language.SW,
        applications=(
            AppSeed(
                "PP-2025-000124",
                "passport_50",
                S.ACTION_REQUIRED,
                "SJL2GH34IJ",
                document="Copy of your birth certificate",
            ),
            AppSeed(
                "DC-2025-000050",
                "death_certificate",
                S.COLLECTED,
                "SJL3KL45MN",
                office="Civil Registration Office, Mombasa",
            ),
        ),
    ),
    CitizenSeed(
        "45678901",
        "Peter",
        "Mwangi",
        "254711222333",
        "peter.mwangi@example.com",
        Language.EN,
        applications=(
            AppSeed(
                "DL-2025-000790",
                "smart_dl",
                S.REJECTED,
                "SJL4OP56QR",
                note="Rejected: the medical certificate was missing. "
                "Apply again with a valid certificate.",
            ),
            AppSeed("ID-2025-000070", "id_replacement", S.SUBMITTED, "SJL5ST67UV"),
        ),
    ),
    CitizenSeed(
        "56789012",
        "Daniel",
        "Kiprop",
        "254799000444",
        None,
        Language.EN,
        applications=(
            AppSeed(
                "GC-2025-000458", "good_conduct", S.ACTION_REQUIRED, "SJL6WX78YZ", biometrics=True
            ),
            AppSeed("MV-2025-000015", "vehicle_inspection", S.UNDER_REVIEW, "SJL7AB89CD"),
        ),
    ),
    CitizenSeed(
        "1234567",
        "Sarah",
        "Johnson",
        "254700111222",
        "sarah.johnson@example.com",
        Language.EN,
        id_type=IdType.ALIEN,
        applications=(AppSeed("CM-2025-000020", "marriage_notice", S.PENDING_PAYMENT),),
    ),
)

# The path from draft to each status; payment happens between pending_payment and submitted.
STATUS_PATHS: dict[ApplicationStatus, tuple[ApplicationStatus, ...]] = {
    S.DRAFT: (),
    S.PENDING_PAYMENT: (S.PENDING_PAYMENT,),
    S.SUBMITTED: (S.PENDING_PAYMENT, S.SUBMITTED),
    S.UNDER_REVIEW: (S.PENDING_PAYMENT, S.SUBMITTED, S.UNDER_REVIEW),
    S.ACTION_REQUIRED: (S.PENDING_PAYMENT, S.SUBMITTED, S.UNDER_REVIEW, S.ACTION_REQUIRED),
    S.APPROVED: (S.PENDING_PAYMENT, S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED),
    S.REJECTED: (S.PENDING_PAYMENT, S.SUBMITTED, S.UNDER_REVIEW, S.REJECTED),
    S.READY_FOR_COLLECTION: (
        S.PENDING_PAYMENT,
        S.SUBMITTED,
        S.UNDER_REVIEW,
        S.APPROVED,
        S.READY_FOR_COLLECTION,
    ),
    S.COLLECTED: (
        S.PENDING_PAYMENT,
        S.SUBMITTED,
        S.UNDER_REVIEW,
        S.APPROVED,
        S.READY_FOR_COLLECTION,
        S.COLLECTED,
    ),
}

_NOTES: dict[ApplicationStatus, str] = {
    S.PENDING_PAYMENT: "Application complete. Please pay the bill to submit it.",
    S.UNDER_REVIEW: "An officer is reviewing your application.",
    S.ACTION_REQUIRED: "We need something more from you before we can continue.",
    S.APPROVED: "Approved. Your document is being printed.",
    S.REJECTED: "Your application was rejected.",
    S.READY_FOR_COLLECTION: "Ready for collection. Bring your original ID.",
    S.COLLECTED: "Collected. Thank you.",
}


class _NoGateway:
    """Seed data never sends an STK push."""

    def stk_push(self, **_: object) -> StkAck:
        raise RuntimeError("seed data does not call M-Pesa")

    def stk_query(self, **_: object) -> StkQueryResult:
        raise RuntimeError("seed data does not call M-Pesa")

    def statement(self, **_: object) -> list[StatementEntry]:
        raise RuntimeError("seed data does not call M-Pesa")


def _advance(
    session: Session,
    application: Application,
    spec: AppSeed,
    citizen: Citizen,
    payments: PaymentService,
    settings: BackendSettings,
    start: datetime,
) -> None:
    for step, status in enumerate(STATUS_PATHS[spec.status], start=1):
        when = start + timedelta(days=step)
        if status is S.SUBMITTED:  # paying submits the application
            bill = issue_bill(
                session=session, application=application, paybill=settings.paybill_number, now=when
            )
            payments.record_external_payment(
                session=session,
                bill=bill,
                method=PaymentMethod.MPESA,
                receipt_no=spec.receipt,
                phone=citizen.phone,
                now=when,
            )
            continue
        if status is S.PENDING_PAYMENT:
            issue_bill(
                session=session, application=application, paybill=settings.paybill_number, now=when
            )
        action = None
        if status is S.ACTION_REQUIRED:
            action = (
                RequiredAction.BOOK_BIOMETRICS
                if spec.biometrics
                else RequiredAction.UPLOAD_DOCUMENT
            )
        note = spec.note if (spec.note and status is spec.status) else _NOTES[status]
        if spec.document and status is S.ACTION_REQUIRED:
            note = f"Please upload: {spec.document}."
        change_status(
            session=session,
            application=application,
            to=status,
            note=note,
            now=when,
            required_action=action,
            required_document=spec.document,
            collection_office=spec.office,
            collection_from=when.date(),
        )


def seed(*, session: Session, settings: BackendSettings, now: datetime) -> dict[str, int]:
    """Load the catalogue and demo citizens; return how many of each were added."""
    sync_catalogue(session=session)
    payments = PaymentService(settings=settings, gateway=_NoGateway(), clock=lambda: now)
    added = {"citizens": 0, "applications": 0}
    for cs in CITIZENS:
        citizen = get_by_id_number(session=session, id_number=cs.id_number)
        if citizen is None:
            citizen = Citizen(
                id_number=cs.id_number,
                id_type=cs.id_type,
                first_name=cs.first_name,
                last_name=cs.last_name,
                phone=cs.phone,
                email=cs.email,
                preferred_language=cs.language,
                created_at=now - timedelta(days=60),
            )
            session.add(citizen)
            session.flush()
            added["citizens"] += 1
        for spec in cs.applications:
            prefix, year, number = spec.reference.split("-")
            reserve_number(session=session, name=f"{prefix}-{year}", at_least=int(number))
            if get_by_reference(session=session, reference=spec.reference) is not None:
                continue
            service = get_service(session=session, code=spec.service)
            assert service is not None, spec.service
            start = now - timedelta(days=30)
            application = create_application(
                session=session,
                citizen=citizen,
                service=service,
                now=start,
                reference=spec.reference,
            )
            _advance(session, application, spec, citizen, payments, settings, start)
            added["applications"] += 1
    if not settings.is_production:  # public passwords: development only
        seed_demo_agents(session=session, production=settings.is_production, now=now)
    session.commit()
    logger.info("Seed: %(citizens)d citizens and %(applications)d applications added", added)
    return added
