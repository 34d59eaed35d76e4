"""Measure /model/parse latency on the real knowledge base (in process, one core).

Run: .venv/bin/python scripts/bench_parse.py
Parses every held-out `tests:` case of every article ten times; prints median, p95 and p99.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bot.channels.nlu_api import rasa_parse
from bot.knowledge.live import LiveKnowledge

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    live = LiveKnowledge(REPO / "knowledge")
    texts = [q for a in live.current.articles.values() for q in (*a.extra_cases, *a.questions[:3])]
    timings = []
    for _ in range(10):
        for text in texts:
            started = time.perf_counter()
            rasa_parse(live.parse(text), live)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95, p99 = timings[int(len(timings) * 0.95)], timings[int(len(timings) * 0.99)]
    print(f"{len(timings)} parses: median {statistics.median(timings):.2f} ms, "
          f"p95 {p95:.2f} ms, p99 {p99:.2f} ms")


if __name__ == "__main__":
    main()
