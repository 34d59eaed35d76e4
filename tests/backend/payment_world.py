"""One citizen's unpaid bill with a payment service and a reconciler on a scripted gateway."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from backend.container import Container
from backend.domain import CallbackVerdict, PaymentMethod
from backend.models import Bill, Event, Payment
from backend.services.payments import PaymentService
from backend.services.reconcile import Reconciler
from tests.backend.gateway import ScriptedGateway
from tests.backend.helpers import make_application, make_citizen

CHAT = "webchat:c0ffee"


@dataclass
class World:
    """One citizen's unpaid bill, a payment service and a reconciler on a scripted gateway."""

    container: Container
    gateway: ScriptedGateway
    payments: PaymentService
    reconciler: Reconciler
    citizen_id: int
    bill_id: int

    def start(self, phone: str = "254712345678") -> int:
        with self.container.session_factory() as session:
            return self.payments.start(session=session, citizen_id=self.citizen_id,
                                       bill_id=self.bill_id, method=PaymentMethod.MPESA,
                                       phone=phone, chat_identity=CHAT).payment.id

    def payment(self, payment_id: int) -> Payment:
        with self.container.session_factory() as session:
            payment = session.get(Payment, payment_id)
            assert payment is not None
            return payment

    def bill(self) -> Bill:
        with self.container.session_factory() as session:
            bill = session.get(Bill, self.bill_id)
            assert bill is not None
            return bill

    def callback(self, payment_id: int, body: dict[str, object], *, nonce: bool = True
                 ) -> CallbackVerdict:
        key = self.payment(payment_id).callback_nonce if nonce else None
        with self.container.session_factory() as session:
            return self.payments.callbacks.receive(session=session, raw=json.dumps(body).encode(),
                                                   nonce=key, source="196.201.214.200")

    def later(self, seconds: float) -> None:
        self.container.clock.advance(timedelta(seconds=seconds))

    def results(self) -> list[str]:
        with self.container.session_factory() as session:
            events = session.scalars(select(Event).where(Event.citizen_id == self.citizen_id)
                                     .order_by(Event.id))
            return [e.type for e in events if e.type.startswith("payment.")]


def make_world(container: Container) -> World:
    """Build the world on the shared test backend's database and clock."""
    gateway = ScriptedGateway()
    payments = PaymentService(settings=container.settings, gateway=gateway, clock=container.clock)
    reconciler = Reconciler(settings=container.settings, gateway=gateway, clock=container.clock,
                            session_factory=container.session_factory, rng=lambda: 0.5)
    citizen = make_citizen(container)
    _, bill = make_application(container, citizen)
    assert bill is not None
    return World(container, gateway, payments, reconciler, citizen.id, bill.id)


