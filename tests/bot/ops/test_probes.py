"""/healthz and /readyz over real HTTP: every dependency named, failures without secrets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.app import build_runtime
from bot.channels.web import create_bot_app
from bot.combined import create_combined_app
from bot.config import BackendLink, BotSettings
from bot.knowledge.live import LiveKnowledge
from tests.helpers.server import LiveServer, free_port


@pytest.fixture
def served(request: pytest.FixtureRequest, bot_settings: BotSettings,
           fixture_knowledge: LiveKnowledge) -> Iterator[LiveServer]:
    """Serve the assistant alone with the settings the test parametrised."""
    updates: dict[str, object] = {"run_background": False, **request.param}
    settings = bot_settings.model_copy(update=updates)
    runtime = build_runtime(settings, knowledge=fixture_knowledge)
    with LiveServer(create_bot_app(runtime, channels=[])) as server:
        yield server


def test_the_whole_system_is_alive_and_ready(system: LiveServer) -> None:
    assert httpx.get(f"{system.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{system.url}/readyz", headers={"X-Request-ID": "probe-0001-abcd"})
    assert ready.status_code == 200
    assert ready.headers["X-Request-ID"] == "probe-0001-abcd"  # and the backend call carried it
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "backend": "ok"}}


DOWN = f"http://127.0.0.1:{free_port()}"
SECRET = "s3cret-pass-word"


@pytest.mark.parametrize("served", [{
    "backend_api": BackendLink(url=DOWN),
    "redis_url": f"redis://:{SECRET}@127.0.0.1:{free_port()}/0",
}], indirect=True)
def test_unready_names_each_failing_dependency_and_no_secret(served: LiveServer) -> None:
    assert httpx.get(f"{served.url}/healthz").status_code == 200  # alive all the same
    ready = httpx.get(f"{served.url}/readyz", timeout=10)
    assert ready.status_code == 503
    body = ready.json()
    assert body["failing"] == ["redis", "backend"]
    assert body["checks"] == {"database": "ok", "redis": "error", "backend": "error"}
    assert SECRET not in ready.text and "127.0.0.1" not in ready.text


@pytest.mark.postgres
@pytest.mark.redis
def test_ready_on_postgresql_and_redis(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
                                       postgres_url: str, redis_url: str) -> None:
    settings = bot_settings.model_copy(update={"run_background": False,
                                               "database_url": postgres_url,
                                               "redis_url": redis_url})
    runtime = build_runtime(settings, knowledge=fixture_knowledge)
    with LiveServer(create_bot_app(runtime, channels=[])) as server:
        ready = httpx.get(f"{server.url}/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_with_a_backend_apart_nothing_is_mounted_and_readiness_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture_knowledge_dir: Path,
) -> None:
    monkeypatch.delenv("MSAIDIZI_BACKEND_DATABASE_URL", raising=False)
    settings = BotSettings(_env_file=None, data_dir=tmp_path / "var",  # type: ignore[call-arg]
                           knowledge_dir=fixture_knowledge_dir, watch_knowledge=False,
                           run_background=False, backend_api=BackendLink(url=DOWN))
    app, _ = create_combined_app(settings)
    with LiveServer(app) as server:
        assert httpx.get(f"{server.url}/backend/health").status_code == 404
        ready = httpx.get(f"{server.url}/readyz", timeout=10)
    assert ready.status_code == 503 and ready.json()["failing"] == ["backend"]
    assert not (tmp_path / "var" / "backend.db").exists()  # no backend database of its own
