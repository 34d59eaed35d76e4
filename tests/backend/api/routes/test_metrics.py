"""The backend's own /metrics (for a backend deployed apart): gauges, loopback or a token."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from backend.main import create_app
from tests.backend.conftest import make_settings, prepare_database
from tests.helpers.server import LiveServer


def test_loopback_scrapers_get_queues_breaches_and_payments(anon_client: httpx.Client) -> None:
    scraped = anon_client.get("/metrics")
    assert scraped.status_code == 200
    text = scraped.text
    assert 'msaidizi_tickets_queued{queue="general"} 0.0' in text
    assert "msaidizi_tickets_open 0.0" in text
    assert "msaidizi_tickets_sla_breached 0.0" in text
    assert 'msaidizi_payments{status="failed"} 0.0' in text
    # what a reverse proxy on this host forwards for a client on the internet
    assert anon_client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}
                           ).status_code == 403


def test_with_a_token_only_its_bearer_may_scrape(tmp_sqlite_url: str) -> None:
    token = "backend-scrape-token-0123"
    app = create_app(make_settings(prepare_database(tmp_sqlite_url),
                                   metrics_token=SecretStr(token)))
    with LiveServer(app) as server:
        assert httpx.get(f"{server.url}/metrics").status_code == 403
        scraped = httpx.get(f"{server.url}/metrics",
                            headers={"Authorization": f"Bearer {token}"})
    assert scraped.status_code == 200 and "msaidizi_tickets_open" in scraped.text
