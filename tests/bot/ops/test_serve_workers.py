"""`msaidizi serve --workers N`: several web workers on PostgreSQL and Redis, one background."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.bot.ops.test_metrics import value
from tests.helpers.served import FIXTURE_KNOWLEDGE, ServedProcess, child_commands, child_pids
from tests.helpers.services import private_schema

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(300)]


@pytest.fixture
def two_workers(tmp_path: Path, redis_url: str) -> Iterator[ServedProcess]:
    """Serve two web workers (and the background worker) on private PostgreSQL schemas."""
    with private_schema("msz_wbot") as bot_url, private_schema("msz_wbe") as backend_url:
        env = {
            "MSAIDIZI_DATA_DIR": str(tmp_path / "var"),
            "MSAIDIZI_KNOWLEDGE_DIR": str(FIXTURE_KNOWLEDGE),
            "MSAIDIZI_WATCH_KNOWLEDGE": "false",
            "MSAIDIZI_DATABASE_URL": bot_url,
            "MSAIDIZI_BACKEND_DATABASE_URL": backend_url,
            "MSAIDIZI_REDIS_URL": redis_url,
            "MSAIDIZI_LIMITS__MESSAGES_PER_ADDRESS": "10000/minute",
        }
        with ServedProcess(["serve", "--workers", "2"], env, tmp_path / "serve.log") as served:
            yield served


def test_two_workers_serve_one_conversation_whole_and_run_background_work_once(
    two_workers: ServedProcess,
) -> None:
    assert two_workers.process is not None
    commands = child_commands(two_workers.process.pid)
    assert sum("spawn_main" in c for c in commands) == 2, commands
    assert sum(c.endswith("-m bot worker ") for c in commands) == 1, commands
    with httpx.Client(base_url=two_workers.url, timeout=30) as browser:
        assert browser.post("/webchat/session").json() == {"new": True}
        cookies = dict(browser.cookies)
    questions = ["hello", "how much is a passport", "menu", "thanks"] * 3

    def send(index: int) -> int:
        # a fresh connection per message: the kernel hands each to either worker
        with httpx.Client(base_url=two_workers.url, cookies=cookies, timeout=30) as client:
            response = client.post("/webchat/send", json={
                "text": questions[index], "client_id": f"m{index}"})
            return response.status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(send, range(len(questions)))) == [200] * len(questions)
    with httpx.Client(base_url=two_workers.url, cookies=cookies, timeout=30) as client:
        log = client.get("/webchat/history").json()["messages"]
    assert [m["seq"] for m in log] == list(range(1, len(log) + 1))  # no gap, no duplicate
    assert sum(m["direction"] == "in" for m in log) == len(questions)
    assert two_workers.output().count("Background work runs in this process") == 1
    # the background worker is restarted when it stops
    [worker] = [pid for pid, c in child_pids(two_workers.process.pid) if "bot worker" in c]
    os.kill(worker, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        alive = [pid for pid, c in child_pids(two_workers.process.pid) if "bot worker" in c]
        if alive and alive != [worker]:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the background worker was not restarted")
    # both workers' counters, summed through PROMETHEUS_MULTIPROC_DIR
    metrics = httpx.get(f"{two_workers.url}/metrics", timeout=30).text
    assert value(metrics, "msaidizi_turns_total", 'channel="webchat",outcome="answered"') == len(
        questions)


def test_several_workers_refuse_sqlite_naming_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSAIDIZI_DATA_DIR", str(tmp_path / "var"))
    for name in ("MSAIDIZI_DATABASE_URL", "MSAIDIZI_BACKEND_DATABASE_URL", "MSAIDIZI_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, ["serve", "--workers", "2"])
    assert result.exit_code == 1
    for variable in ("MSAIDIZI_DATABASE_URL", "MSAIDIZI_BACKEND_DATABASE_URL",
                     "MSAIDIZI_REDIS_URL"):
        assert variable in result.output
