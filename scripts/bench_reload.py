"""Measure how fast a knowledge edit goes live on the real knowledge base (quick and full fit).

Run: .venv/bin/python scripts/bench_reload.py [--runs 5]
Prints the median and the maximum of each phase; the machine is shared, so repeat and compare.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bot.knowledge.live import LiveKnowledge

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        knowledge = Path(folder) / "knowledge"
        shutil.copytree(REPO / "knowledge", knowledge)
        started = time.perf_counter()
        live = LiveKnowledge(knowledge)
        print(f"start-up fit: {time.perf_counter() - started:.2f} s, "
              f"{len(live.article_ids())} articles")
        article = knowledge / "faq" / "passport-fees.en.md"
        original = article.read_text(encoding="utf-8")
        quick, full = [], []
        for run in range(runs):
            article.write_text(original.replace("KES 7,500", f"KES 7,50{run}"), encoding="utf-8")
            began = time.perf_counter()
            live.reload(quick=True)
            quick.append(time.perf_counter() - began)
            began = time.perf_counter()
            live.reload()
            full.append(time.perf_counter() - began)
        for name, values in (("quick reload (live)", quick), ("full reload", full)):
            print(f"{name}: median {statistics.median(values):.2f} s, max {max(values):.2f} s "
                  f"over {runs} runs")


if __name__ == "__main__":
    main()
