"""Hot reload: edit the knowledge while `msaidizi serve` runs; the change is live within 2 s."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import FIXTURES
from tests.helpers.server import free_port

pytestmark = pytest.mark.slow
LIVE_WITHIN = 2.0  # seconds, from the file write to the changed answer


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Run `msaidizi serve` in a subprocess on a copy of the fixture knowledge."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", knowledge)
    port = free_port()
    env = {**os.environ, "MSAIDIZI_KNOWLEDGE_DIR": str(knowledge),
           "MSAIDIZI_DATA_DIR": str(tmp_path / "var"),
           "MSAIDIZI_BACKEND_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'backend.db'}",
           # this test asks as fast as it can from one address: lift the per-address quota
           "MSAIDIZI_LIMITS__MESSAGES_PER_ADDRESS": "100000/minute"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("msaidizi serve did not start")
            time.sleep(0.2)
        yield url, knowledge
    finally:
        process.terminate()
        process.wait(timeout=30)


def ask(url: str, text: str) -> str:
    with httpx.Client(base_url=url, timeout=10) as page:  # a new chat page each time
        page.post("/webchat/session")
        response = page.post("/webchat/send", json={"text": text})
    return "\n".join(m["text"] for m in response.json()["messages"] if m["direction"] == "out")


def answered_within(url: str, text: str, expected: str, seconds: float) -> float:
    """Ask until the answer contains `expected`; return how long it took from now."""
    start = time.monotonic()
    while time.monotonic() - start < seconds + 3:
        if expected in ask(url, text):
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"{expected!r} never appeared")


def test_edited_added_removed_and_broken_articles_while_serving(served: tuple[str, Path]) -> None:
    url, knowledge = served
    article = knowledge / "faq" / "passport-fees.en.md"
    assert "KES 7,500" in ask(url, "how much is a passport")

    article.write_text(article.read_text(encoding="utf-8").replace("KES 7,500", "KES 8,100"),
                       encoding="utf-8")
    assert answered_within(url, "how much is a passport", "KES 8,100", LIVE_WITHIN) <= LIVE_WITHIN

    good = article.read_text(encoding="utf-8")
    article.write_text("---\nid: passport-fees\ntitle: [broken\n---\nnothing\n", encoding="utf-8")
    time.sleep(LIVE_WITHIN)
    assert "KES 8,100" in ask(url, "how much is a passport")  # the last good version answers
    article.write_text(good, encoding="utf-8")

    new = knowledge / "faq" / "boda-boda-permit.en.md"
    new.write_text(
        "---\nid: boda-boda-permit\ntitle: Boda boda operator permit\nquestions:\n"
        "  - how do I get a boda boda permit\n  - boda boda licence from the county\n"
        "  - motorbike taxi permit\n  - permit ya boda boda\n  - boda boda operator registration\n"
        "  - license for motorcycle taxi business\ntags: [transport]\nagency: County government\n"
        "source: https://www.ntsa.go.ke\nreviewed: 2026-11-01\n---\n"
        "Apply at your county's transport office with your smart DL and PSV badge.\n\n"
        "Source: https://www.ntsa.go.ke\n", encoding="utf-8")
    took = answered_within(url, "boda boda permit", "PSV badge", LIVE_WITHIN)
    assert took <= LIVE_WITHIN
    new.unlink()
    deadline = time.monotonic() + LIVE_WITHIN + 3
    while "PSV badge" in ask(url, "boda boda permit") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "PSV badge" not in ask(url, "boda boda permit")
