"""Prometheus metrics of the assistant: turns, routing, handoffs, queues, payments.

Counters and the latency histogram are recorded as turns happen (several worker processes
share them through PROMETHEUS_MULTIPROC_DIR); queue lengths, SLA breaches and payment outcomes
are read from the databases when Prometheus scrapes. Labels hold only bounded, non-personal
values (channel, outcome, band, status, method): never a phone, an ID number or message text.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.config import MetricsSettings
from bot.core.results import PaymentStarted, TicketOpened, TurnResult

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}

TURNS = Counter("msaidizi_turns", "Turns handled, by channel and outcome "
                "(answered, duplicate, limited, error).", ["channel", "outcome"])
TURN_SECONDS = Histogram(
    "msaidizi_turn_seconds", "Time to handle one turn, lock to commit.", ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
DECISIONS = Counter("msaidizi_matcher_decisions", "How turns were routed: rule, answer, "
                    "did_you_mean or fallback.", ["band"])
FALLBACKS = Counter("msaidizi_fallbacks", "Turns the assistant could not answer.")
HANDOFFS = Counter("msaidizi_handoffs", "Support tickets opened from a chat.", ["channel"])
PAYMENTS_STARTED = Counter("msaidizi_payments_started", "Payments started from a chat.",
                           ["method"])


class PrometheusObserver:
    """Records turns and routing decisions in this process's Prometheus metrics."""

    def turn_done(self, channel: str, outcome: str, seconds: float,
                  result: TurnResult | None) -> None:
        """Count the turn, time it, and count the handoffs and payments it started."""
        TURNS.labels(channel, outcome).inc()
        TURN_SECONDS.labels(channel).observe(seconds)
        if result is None or outcome != "answered":
            return
        for event in result.events:
            if isinstance(event, TicketOpened):
                HANDOFFS.labels(channel).inc()
            elif isinstance(event, PaymentStarted):
                PAYMENTS_STARTED.labels(event.method).inc()

    def decision(self, band: str) -> None:
        """Count a routing decision (and a fallback as such)."""
        DECISIONS.labels(band).inc()
        if band == "fallback":
            FALLBACKS.inc()


@dataclass(frozen=True)
class GaugeSpec:
    """A gauge read from a database at scrape time: its help text and label names."""

    help: str
    labels: tuple[str, ...] = ()


# name -> spec; sources return (name, labels, value) samples of these names only
GAUGES: Mapping[str, GaugeSpec] = {
    "msaidizi_deliveries_pending": GaugeSpec(
        "Outbound messages waiting to be sent on Telegram or WhatsApp."),
    "msaidizi_deliveries_failed": GaugeSpec(
        "Outbound messages given up on after the last attempt."),
    "msaidizi_tickets_queued": GaugeSpec("Support tickets waiting for an agent, by queue.",
                                         ("queue",)),
    "msaidizi_tickets_open": GaugeSpec("Support tickets an agent is handling."),
    "msaidizi_tickets_sla_breached": GaugeSpec(
        "Live tickets past their first-response due time with no reply yet."),
    "msaidizi_payments": GaugeSpec("Payment attempts by status (succeeded, failed, ...).",
                                   ("status",)),
}
Sample = tuple[str, Mapping[str, str], float]
GaugeSource = Callable[[], Awaitable[Sequence[Sample]]]


class _Samples(Collector):
    """Hands the gauges read for one scrape to prometheus_client."""

    def __init__(self, samples: Iterable[Sample]) -> None:
        self._samples = list(samples)

    def collect(self) -> Iterable[Metric]:
        """Yield one family per gauge that has samples."""
        for name, spec in GAUGES.items():
            family = GaugeMetricFamily(name, spec.help, labels=list(spec.labels))
            found = False
            for sample_name, labels, value in self._samples:
                if sample_name == name:
                    family.add_metric([labels[k] for k in spec.labels], value)
                    found = True
            if found:
                yield family


def recorded_registry() -> CollectorRegistry:
    """Return the registry of recorded metrics: every worker's when several share a folder."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


async def exposition(sources: Sequence[GaugeSource]) -> bytes:
    """Return the text exposition: recorded metrics, then gauges read now from the databases."""
    results = await asyncio.gather(*(source() for source in sources), return_exceptions=True)
    samples: list[Sample] = []
    for result in results:
        if isinstance(result, BaseException):
            logger.warning("A metrics source failed (%s)", type(result).__name__, exc_info=result)
            continue
        samples += result
    gauges = CollectorRegistry(auto_describe=False)
    gauges.register(_Samples(samples))
    recorded = await asyncio.to_thread(generate_latest, recorded_registry())
    return recorded + generate_latest(gauges)


def scraper_allowed(request: Request, settings: MetricsSettings) -> bool:
    """Allow the bearer of the configured token, or any loopback client when none is set."""
    if settings.token is None:
        return request.client is not None and request.client.host in _LOOPBACK
    sent = request.headers.get("authorization", "")
    expected = f"Bearer {settings.token.get_secret_value()}"
    return hmac.compare_digest(sent.encode(), expected.encode())


def create_metrics_router(settings: MetricsSettings,
                          sources: Sequence[GaugeSource]) -> APIRouter:
    """Build GET /metrics for Prometheus, refused to anyone the settings do not allow."""
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False, response_model=None)
    async def metrics(request: Request) -> Response:
        """Serve the metrics in Prometheus' text format."""
        if not scraper_allowed(request, settings):
            return JSONResponse({"status": 403, "title": "Forbidden"}, status_code=403,
                                media_type="application/problem+json")
        return Response(await exposition(sources), media_type=CONTENT_TYPE_LATEST,
                        headers={"Cache-Control": "no-store"})

    return router
