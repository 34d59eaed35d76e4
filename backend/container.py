"""The composition root's pieces: everything a request needs, built once per app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.config import BackendSettings
from backend.db import make_engine, make_sessionmaker, utcnow
from backend.services.daraja import DarajaClient, StkGateway
from backend.services.links import LinkSigner
from backend.services.otp import OtpService
from backend.services.payments import PaymentService
from backend.services.senders import HttpSender, LogSender, OutboxSender, Sender
from backend.simulator.daraja import DarajaSimulator


class Clock:
    """The current UTC time; tests move it forward with `advance`."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        """Return the (possibly shifted) current time."""
        return utcnow() + self.offset

    def advance(self, delta: timedelta) -> None:
        """Pretend `delta` has passed."""
        self.offset += delta


@dataclass
class Container:
    """Settings, database access and services of one backend app."""

    settings: BackendSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    http: httpx.Client
    sender: Sender
    otp: OtpService
    payments: PaymentService
    links: LinkSigner
    simulator: DarajaSimulator | None = None

    def close(self) -> None:
        """Release connections."""
        self.http.close()
        self.engine.dispose()


def _make_sender(
    settings: BackendSettings, factory: sessionmaker[Session], http: httpx.Client
) -> Sender:
    if settings.otp_sender == "outbox":
        return OutboxSender(factory)
    if settings.otp_sender == "http":
        assert settings.sms_gateway_url is not None
        token = (
            settings.sms_gateway_token.get_secret_value() if settings.sms_gateway_token else None
        )
        return HttpSender(settings.sms_gateway_url, token, http)
    return LogSender()


def build_container(
    settings: BackendSettings,
    *,
    gateway: StkGateway | None = None,
    sender: Sender | None = None,
    engine: Engine | None = None,
) -> Container:
    """Wire the backend from settings; tests may pass their own gateway, sender or engine."""
    engine = engine or make_engine(settings.database_url, echo=settings.database_echo)
    factory = make_sessionmaker(engine)
    clock = Clock()
    http = httpx.Client(timeout=httpx.Timeout(settings.mpesa_timeout_seconds, connect=5.0))
    if gateway is None:
        gateway = DarajaClient(
            base_url=settings.daraja_base_url,
            consumer_key=settings.mpesa_consumer_key.get_secret_value(),
            consumer_secret=settings.mpesa_consumer_secret.get_secret_value(),
            shortcode=settings.mpesa_shortcode,
            passkey=settings.mpesa_passkey.get_secret_value(),
            transaction_type=settings.mpesa_transaction_type,
            http=http,
        )
    return Container(
        settings=settings,
        engine=engine,
        session_factory=factory,
        clock=clock,
        http=http,
        sender=sender or _make_sender(settings, factory, http),
        otp=OtpService(settings),
        payments=PaymentService(settings=settings, gateway=gateway, clock=clock),
        links=LinkSigner(settings),
        simulator=None if settings.is_production else DarajaSimulator(settings),
    )
