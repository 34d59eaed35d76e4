"""The supervisor's payments view: suspicious callbacks with their bodies, payments awaiting M-Pesa."""

from __future__ import annotations

from datetime import timedelta

import httpx

from backend.container import Container
from backend.domain import CallbackVerdict
from backend.models import MpesaCallback
from escalation.domain import AgentRole
from tests.backend.helpers import (
    Backend,
    make_application,
    make_citizen,
    make_pending_mpesa,
    stk_callback,
)
from tests.escalation.helpers import Esc, make_agent, sign_in

CALLBACK = "/api/v1/mpesa/callback/dev-callback-token"


def test_supervisor_sees_and_reviews_suspicious_callbacks(
    backend: Backend, client: httpx.Client, container: Container
) -> None:
    citizen = make_citizen(container)
    _, bill = make_application(container, citizen)
    assert bill is not None
    checkout = "ws_CO_191220191020363925"
    payment_id = make_pending_mpesa(container, bill, checkout)
    client.post(CALLBACK, json=stk_callback(checkout, 0, amount=1.0))  # a forged amount
    esc = Esc(app=backend.app, url=backend.url)
    supervisor = sign_in(esc, make_agent(esc, role=AgentRole.SUPERVISOR))
    agent = sign_in(esc, make_agent(esc))
    try:
        assert agent.get("/supervisor/payments").status_code == 403
        container.clock.advance(timedelta(minutes=2))
        view = supervisor.get("/supervisor/payments").json()
        [suspicious] = view["suspicious"]
        assert suspicious["payment_id"] == payment_id
        assert suspicious["reason"] == "amount 1.0, we asked for 1050"
        assert '{"Name":"Amount","Value":1.0}' in suspicious["raw_body"]  # kept as it came
        assert [p["id"] for p in view["awaiting"]] == [payment_id]
        assert view["paid_twice"] == []
        path = f"/supervisor/payments/callbacks/{suspicious['id']}/reviewed"
        assert supervisor.http.post(path).status_code == 403  # no CSRF token
        assert supervisor.post(path).status_code == 204
        assert supervisor.get("/supervisor/payments").json()["suspicious"] == []
        with container.session_factory() as session:
            [kept] = session.query(MpesaCallback).all()
        assert kept.verdict is CallbackVerdict.SUSPICIOUS and kept.reviewed_by is not None
    finally:
        supervisor.close()
        agent.close()
