"""Catalogue entries, applications, history and the next step."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from backend.domain import ApplicationStatus, NextStep
from backend.schemas.payments import BillOut


class ServiceOut(BaseModel):
    """A service in the catalogue, with what a citizen pays in total."""

    code: str
    name_en: str
    name_sw: str
    agency_code: str
    agency_name_en: str
    agency_name_sw: str
    fee_kes: int
    convenience_fee_kes: int
    total_kes: int
    processing_days: int


class ServiceBrief(BaseModel):
    """The service an application is for."""

    code: str
    name_en: str
    name_sw: str
    agency_code: str


class NextStepOut(BaseModel):
    """What the citizen should do next: a code plus the data to phrase it."""

    code: NextStep
    bill_id: int | None = None
    amount_due_kes: int | None = None
    paybill: str | None = None
    account_number: str | None = None
    document: str | None = None
    collection_office: str | None = None
    available_from: date | None = None


class StatusChangeOut(BaseModel):
    """One entry of the status history."""

    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    note: str
    at: datetime


class ApplicationOut(BaseModel):
    """An application in a list."""

    reference: str
    service: ServiceBrief
    status: ApplicationStatus
    next_step: NextStepOut
    created_at: datetime
    updated_at: datetime


class ApplicationDetailOut(ApplicationOut):
    """An application with its history and bill."""

    history: list[StatusChangeOut]
    bill: BillOut | None
