"""The reconciliation job runs by itself in every backend process and settles lost callbacks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from backend.container import Container
from backend.domain import BillStatus
from backend.main import create_app
from backend.models import Bill, Event
from tests.backend.conftest import make_settings
from tests.backend.helpers import (
    SERVICE_HEADERS,
    issue_token,
    make_application,
    make_citizen,
    wait_until,
)
from tests.backend.live import BackendServer, free_port


@pytest.fixture
def workers(db_url: str, backend: object) -> Iterator[list[tuple[str, Container]]]:
    """Two backend processes on one database, sharing the first one's Daraja simulator."""
    ports = [free_port(), free_port()]
    daraja = f"http://127.0.0.1:{ports[0]}/dev/daraja"
    apps = [create_app(make_settings(db_url, public_url=f"http://127.0.0.1:{port}",
                                     background_jobs=True, reconcile_interval_seconds=0.2,
                                     mpesa_base_url=daraja))
            for port in ports]
    with BackendServer(apps[0], ports[0]) as first, BackendServer(apps[1], ports[1]) as second:
        yield [(first.url, apps[0].state.container), (second.url, apps[1].state.container)]


def test_reconcile_job_settles_a_lost_callback_with_no_one_asking(
    workers: list[tuple[str, Container]],
) -> None:
    url, container = workers[0]
    citizen = make_citizen(container)
    _, bill = make_application(container, citizen)
    assert bill is not None and container.simulator is not None
    headers = {**SERVICE_HEADERS, **issue_token(container, citizen),
               "Idempotency-Key": uuid.uuid4().hex}
    started = httpx.post(f"{url}/api/v1/me/bills/{bill.id}/payments", headers=headers,
                         json={"method": "mpesa", "phone": "254711000000"}, timeout=30)
    assert started.status_code == 201  # this phone's callback is lost on the way

    def paid() -> bool:
        with container.session_factory() as session:
            return session.get(Bill, bill.id).status is BillStatus.PAID  # type: ignore[union-attr]

    wait_until(paid, timeout=15)
    with container.session_factory() as session:
        succeeded = session.scalar(select(func.count()).select_from(Event).where(
            Event.type == "payment.succeeded", Event.citizen_id == citizen.id))
    assert succeeded == 1  # two workers ran the job; the payment was settled once
