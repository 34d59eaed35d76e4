"""The service catalogue."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.catalogue_data import AGENCIES, SERVICES
from backend.models import Agency, Service


def list_services(*, session: Session) -> Sequence[Service]:
    """Return every service, by agency then name."""
    return session.scalars(
        select(Service).join(Service.agency).order_by(Agency.code, Service.code)
    ).all()


def get_service(*, session: Session, code: str) -> Service | None:
    """Return the service with `code`."""
    return session.scalar(select(Service).where(Service.code == code))


def sync_catalogue(*, session: Session) -> None:
    """Insert or update agencies and services from `catalogue_data` (idempotent)."""
    agencies = {a.code: a for a in session.scalars(select(Agency))}
    for data in AGENCIES:
        agency = agencies.get(data.code) or Agency(code=data.code)
        agency.name_en, agency.name_sw = data.name_en, data.name_sw
        session.add(agency)
        agencies[data.code] = agency
    session.flush()
    services = {s.code: s for s in session.scalars(select(Service))}
    for sd in SERVICES:
        service = services.get(sd.code) or Service(code=sd.code)
        service.agency_id = agencies[sd.agency].id
        service.name_en, service.name_sw = sd.name_en, sd.name_sw
        service.fee_kes, service.reference_prefix = sd.fee_kes, sd.prefix
        service.requires_biometrics = sd.requires_biometrics
        service.processing_days = sd.processing_days
        session.add(service)
    session.flush()
