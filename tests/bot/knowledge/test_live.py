"""The live knowledge: a full refit never replaces an edit that went live while it ran."""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

from bot.knowledge.live import LiveKnowledge
from bot.knowledge.watch import _full_refit
from bot.nlu.matcher import KnowledgeMatcher
from tests.conftest import FIXTURES


def _article_questions(live: LiveKnowledge) -> tuple[str, ...]:
    return live.current.articles[("mpesa-paybill", "en")].questions


def test_a_full_refit_started_before_a_quick_edit_is_dropped_then_redone(tmp_path: Path,
                                                                         monkeypatch) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", root)
    live = LiveKnowledge(root)
    fitting, release = threading.Event(), threading.Event()
    build = live._build

    def slow_full_fit(previous=None):  # type: ignore[no-untyped-def]
        matcher = build(previous)
        if previous is None and not release.is_set():
            fitting.set()
            release.wait(30)  # the full fit of a large knowledge base, still running
        return matcher

    monkeypatch.setattr(live, "_build", slow_full_fit)
    full = threading.Thread(target=live.reload)
    full.start()
    assert fitting.wait(30)
    article = root / "faq" / "mpesa-paybill.en.md"
    article.write_text(article.read_text().replace(
        "questions:\n", "questions:\n  - which till number takes ecitizen payments\n", 1))
    live.reload(quick=True)  # the edit goes live at once, while the full fit runs
    assert "which till number takes ecitizen payments" in _article_questions(live)
    release.set()
    full.join(30)
    assert live.superseded  # the older full fit did not replace the edit
    assert "which till number takes ecitizen payments" in _article_questions(live)
    live.reload()
    assert not live.superseded
    assert "which till number takes ecitizen payments" in _article_questions(live)
    assert isinstance(live.matcher, KnowledgeMatcher)


class FakeLive:
    """Counts full refits; the first one finds that an edit went live meanwhile."""

    def __init__(self) -> None:
        self.fits = 0
        self.superseded = False

    def reload(self) -> list[object]:
        self.fits += 1
        self.superseded = self.fits == 1
        return []


def test_the_background_refit_repeats_until_no_edit_arrived_meanwhile() -> None:
    live = FakeLive()
    asyncio.run(_full_refit(live))  # type: ignore[arg-type]
    assert live.fits == 2


def test_a_full_refit_at_shutdown_gives_up_and_keeps_the_live_version(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", root)
    live = LiveKnowledge(root)
    before = live.matcher
    live.stop_fitting()  # the worker is shutting down
    live.reload()
    assert live.matcher is before  # nothing half-fitted swapped in, no exception
    live.allow_fitting()
    live.reload()
    assert live.matcher is not before
