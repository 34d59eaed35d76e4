"""The composition root's pieces: everything a request needs, built once per app."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from backend.config import BackendSettings
from backend.core.db import make_engine, make_sessionmaker
from backend.core.ratelimit import RateLimiter
from backend.services.daraja import DarajaClient, StkGateway
from backend.services.links import LinkSigner
from backend.services.otp import OtpService
from backend.services.payments import PaymentService
from backend.services.reconcile import Reconciler
from backend.services.senders import HttpSender, LogSender, OutboxSender, Sender
from backend.simulator.daraja import DarajaSimulator
from common.timezone import utcnow


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
    reconciler: Reconciler
    limiter: RateLimiter
    simulator: DarajaSimulator | None = None
    _stop: asyncio.Event | None = field(default=None, repr=False)
    _jobs: list[asyncio.Task[None]] = field(default_factory=list, repr=False)

    def start_background(self) -> None:
        """Start the background jobs (payment reconciliation); call once per process."""
        if self._jobs:
            return
        self._stop = asyncio.Event()
        self._jobs = [asyncio.create_task(self.reconciler.run(self._stop))]

    async def stop_background(self) -> None:
        """Stop the background jobs and wait for them to finish their current step."""
        if self._stop is not None:
            self._stop.set()
        for job in self._jobs:
            with contextlib.suppress(asyncio.CancelledError):
                await job
        self._jobs = []

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
    connect = min(settings.mpesa_timeout_seconds, 5.0)
    http = httpx.Client(timeout=httpx.Timeout(settings.mpesa_timeout_seconds, connect=connect))
    if gateway is None:
        gateway = DarajaClient(
            base_url=settings.daraja_base_url,
            consumer_key=settings.mpesa_consumer_key.get_secret_value(),
            consumer_secret=settings.mpesa_consumer_secret.get_secret_value(),
            shortcode=settings.mpesa_shortcode,
            passkey=settings.mpesa_passkey.get_secret_value(),
            transaction_type=settings.mpesa_transaction_type,
            party_b=settings.mpesa_party_b,
            retries=settings.mpesa_retries,
            backoff_seconds=settings.mpesa_backoff_seconds,
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
        reconciler=Reconciler(settings=settings, gateway=gateway, clock=clock,
                              session_factory=factory),
        limiter=RateLimiter(settings.redis_url),
        simulator=None if settings.is_production else DarajaSimulator(settings),
    )
