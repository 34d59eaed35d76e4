"""Demo data: Wanjiru's applications, every status covered, idempotent loading."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from backend.container import Container
from backend.domain import ApplicationStatus
from backend.models import Application, Citizen, Receipt
from backend.seed import seed
from tests.backend.helpers import issue_token


def _seed(container: Container) -> dict[str, int]:
    with container.session_factory() as session:
        return seed(session=session, settings=container.settings, now=container.clock())


def test_seed_is_idempotent(container: Container) -> None:
    assert _seed(container) == {"citizens": 6, "applications": 12}
    assert _seed(container) == {"citizens": 0, "applications": 0}
    with container.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Citizen)) == 6


def test_seed_covers_every_status(container: Container) -> None:
    _seed(container)
    with container.session_factory() as session:
        statuses = set(session.scalars(select(Application.status)))
    assert statuses == set(ApplicationStatus)


def test_seed_wanjiru_as_documented(client: httpx.Client, container: Container) -> None:
    _seed(container)
    with container.session_factory() as session:
        wanjiru = session.scalars(select(Citizen).where(Citizen.id_number == "12345678")).one()
        assert (wanjiru.first_name, wanjiru.last_name, wanjiru.phone) == (
            "Wanjiru", "Kamau", "254712345678")
        assert wanjiru.preferred_language == "sw"
        receipt = session.scalars(select(Receipt).where(Receipt.receipt_no == "SJK4XY12AB")).one()
        assert receipt.citizen_id == wanjiru.id
    headers = issue_token(container, wanjiru)
    apps = {a["reference"]: a for a in
            client.get("/api/v1/me/applications", headers=headers).json()}
    assert apps["PP-2025-000123"]["status"] == "under_review"
    assert apps["GC-2025-000456"]["status"] == "pending_payment"
    assert apps["GC-2025-000456"]["next_step"]["amount_due_kes"] == 1050
    assert apps["DL-2025-000789"]["service"]["code"] == "smart_dl_renewal"
    unpaid = client.get("/api/v1/me/bills", params={"status": "unpaid"}, headers=headers).json()
    assert [(b["application_reference"], b["amount_kes"], b["convenience_fee_kes"],
             b["total_kes"]) for b in unpaid] == [("GC-2025-000456", 1000, 50, 1050)]
    receipts = client.get("/api/v1/me/receipts", headers=headers).json()
    assert "SJK4XY12AB" in {r["receipt_no"] for r in receipts}


def test_seed_english_citizens_for_collection_and_action(container: Container) -> None:
    _seed(container)
    with container.session_factory() as session:
        rows = session.execute(
            select(Citizen.preferred_language, Application.status)
            .join(Application, Application.citizen_id == Citizen.id)
        ).all()
    assert ("en", ApplicationStatus.READY_FOR_COLLECTION) in rows
    assert ("en", ApplicationStatus.ACTION_REQUIRED) in rows


def test_seed_references_continue_after_seeded_numbers(container: Container) -> None:
    from backend.crud.catalogue import get_service
    from backend.services.applications import create_application

    _seed(container)
    with container.session_factory() as session:
        wanjiru = session.scalars(select(Citizen).where(Citizen.id_number == "12345678")).one()
        service = get_service(session=session, code="passport_34")
        assert service is not None
        fresh = create_application(session=session, citizen=wanjiru, service=service,
                                   now=container.clock().replace(year=2025))
        session.commit()
    assert fresh.reference == "PP-2025-000125"
