"""GET /metrics: tickets queued and open, SLA breaches and payments by status, for Prometheus.

For a backend deployed apart from the assistant (whose own /metrics carries these gauges when
the backend is mounted in it). Read from the database at each scrape; labels are queue names and
statuses only. Loopback scrapers only, unless MSAIDIZI_BACKEND_METRICS_TOKEN is set.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from backend.api.deps import ContainerDep
from backend.ops_stats import GAUGE_HELP, Sample, operational_samples
from common.timezone import utcnow

router = APIRouter()
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class _Gauges(Collector):
    """One scrape's samples as Prometheus gauge families."""

    def __init__(self, samples: list[Sample]) -> None:
        self._samples = samples

    def collect(self) -> list[Metric]:
        """Group the samples by name into families."""
        families: dict[str, GaugeMetricFamily] = {}
        for name, labels, value in self._samples:
            if name not in families:
                families[name] = GaugeMetricFamily(name, GAUGE_HELP[name], labels=list(labels))
            families[name].add_metric(list(labels.values()), value)
        return list(families.values())


def _allowed(request: Request, token: str | None) -> bool:
    if token is None:
        return request.client is not None and request.client.host in _LOOPBACK
    sent = request.headers.get("authorization", "").encode()
    return hmac.compare_digest(sent, f"Bearer {token}".encode())


@router.get("/metrics", include_in_schema=False, response_model=None)
async def metrics(request: Request, container: ContainerDep) -> Response:
    """Serve the backend's gauges in Prometheus' text format."""
    token = container.settings.metrics_token
    if not _allowed(request, token.get_secret_value() if token is not None else None):
        return JSONResponse({"status": 403, "title": "Forbidden"}, status_code=403,
                            media_type="application/problem+json")
    samples = list(await run_in_threadpool(
        operational_samples, container.session_factory, utcnow()))
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Gauges(samples))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})
