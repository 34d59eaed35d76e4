"""/metrics over real HTTP: turns, routing, queues and payments, no personal data, not public."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from bot.app import build_runtime
from bot.channels.web import create_bot_app
from bot.config import BotSettings, MetricsSettings
from bot.knowledge.live import LiveKnowledge
from tests.helpers.server import LiveServer


def value(text: str, name: str, labels: str = "") -> float:
    """Return one sample's value from the exposition text (0 when absent)."""
    pattern = re.escape(name + (f"{{{labels}}}" if labels else "")) + r" ([0-9.e+-]+)$"
    match = re.search(pattern, text, re.M)
    return float(match.group(1)) if match else 0.0


def test_turns_decisions_and_database_gauges_without_personal_data(system: LiveServer) -> None:
    before = httpx.get(f"{system.url}/metrics").text
    sender, odd = "metrics-citizen-7", "zqxj vbnm wrtp"
    for text in ("how much is a passport", odd):
        response = httpx.post(f"{system.url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": text}, timeout=30)
        assert response.status_code == 200
    scraped = httpx.get(f"{system.url}/metrics")
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    after = scraped.text
    turns = 'channel="rest",outcome="answered"'
    assert value(after, "msaidizi_turns_total", turns) - value(
        before, "msaidizi_turns_total", turns) == 2
    assert value(after, "msaidizi_turn_seconds_count", 'channel="rest"') - value(
        before, "msaidizi_turn_seconds_count", 'channel="rest"') == 2
    for band in ("answer", "fallback"):
        assert value(after, "msaidizi_matcher_decisions_total", f'band="{band}"') > value(
            before, "msaidizi_matcher_decisions_total", f'band="{band}"')
    assert value(after, "msaidizi_fallbacks_total") > value(before, "msaidizi_fallbacks_total")
    assert "msaidizi_deliveries_pending 0.0" in after
    assert 'msaidizi_tickets_queued{queue="general"}' in after
    assert "msaidizi_tickets_sla_breached 0.0" in after
    assert 'msaidizi_payments{status="succeeded"}' in after
    for personal in (sender, "zqxj", "passport"):
        assert personal not in after


@pytest.fixture
def guarded(request: pytest.FixtureRequest, bot_settings: BotSettings,
            fixture_knowledge: LiveKnowledge) -> Iterator[LiveServer]:
    """Serve the assistant alone with the metrics settings the test parametrised."""
    settings = bot_settings.model_copy(update={"run_background": False,
                                               "metrics": request.param})
    runtime = build_runtime(settings, knowledge=fixture_knowledge)
    with LiveServer(create_bot_app(runtime, channels=[])) as server:
        yield server


TOKEN = "scrape-token-0123456789"


@pytest.mark.parametrize("guarded", [MetricsSettings(token=SecretStr(TOKEN))], indirect=True)
def test_a_token_guards_the_metrics(guarded: LiveServer) -> None:
    url = f"{guarded.url}/metrics"
    assert httpx.get(url).status_code == 403
    assert httpx.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 403
    scraped = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200 and "msaidizi_deliveries_pending" in scraped.text
    assert TOKEN not in scraped.text


@pytest.mark.parametrize("guarded", [MetricsSettings()], indirect=True)
def test_without_a_token_only_loopback_scrapers_are_served(guarded: LiveServer) -> None:
    url = f"{guarded.url}/metrics"
    assert httpx.get(url).status_code == 200
    # what a reverse proxy on this host forwards for a client on the internet
    assert httpx.get(url, headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403


@pytest.mark.parametrize("guarded", [MetricsSettings(enabled=False)], indirect=True)
def test_metrics_can_be_switched_off(guarded: LiveServer) -> None:
    assert httpx.get(f"{guarded.url}/metrics").status_code == 404
