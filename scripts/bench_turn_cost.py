"""Cost of one FAQ turn inside the process: SQL statements, transactions and CPU per turn.

Runs the real conversation engine (knowledge, matcher, store) with offline clients against
SQLite (a fresh file) or PostgreSQL (a private schema), sends FAQ questions from many
conversations, and prints medians of repeated rounds as JSON. Loopback only, bounded.

    .venv/bin/python scripts/bench_turn_cost.py [--postgres URL] [--turns 600] [--rounds 5]

With `--synthetic-articles N` the knowledge base is this repository's plus N generated English
articles (bench_matcher_scale's: CLINC150 training questions naming a service), so that a turn
is measured on a national-sized knowledge base: its cost must not grow with the articles.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.app import Clients, build_runtime  # noqa: E402
from bot.config import BotSettings, LimitSettings  # noqa: E402
from bot.core.messages import InboundMessage  # noqa: E402

QUESTIONS = ["how much is a passport", "ninawezaje kupata cheti cha kuzaliwa",
             "how do I renew my driving licence", "nimesahau password yangu ya ecitizen",
             "where can I get a good conduct certificate", "how long does a passport take"]


def synthetic_knowledge(folder: Path, articles: int) -> Path:
    """Copy the knowledge folder to `folder` and add `articles` generated articles to it."""
    import shutil

    from scripts.bench_matcher_scale import knowledge as generated

    target = folder / "knowledge"
    shutil.copytree(REPO / "knowledge", target)
    texts, labels, _ = generated(articles)
    questions: dict[str, list[str]] = {}
    for question, label in zip(texts, labels, strict=True):
        questions.setdefault(label, []).append(question)
    for label, asked in questions.items():
        slug = f"synthetic-{label}".lower().replace("_", "-")
        listed = "".join(f"  - {json.dumps(q)}\n" for q in asked)
        (target / "faq" / f"{slug}.en.md").write_text(
            f"---\nid: {slug}\ntitle: {json.dumps(label.replace('-', ' '))}\n"
            f"questions:\n{listed}keywords: []\ntags: [synthetic]\nagency: eCitizen\n"
            f"source: https://www.ecitizen.go.ke/\nreviewed: 2026-12-07\n---\n"
            f"A generated article for the benchmark.\n")
    return target


class Counter:
    """Counts statements and transactions an engine runs."""

    def __init__(self) -> None:
        self.statements = 0
        self.transactions = 0

    def attach(self, sync_engine: Any) -> None:
        """Listen to the engine's statements and transactions (every checkout begins one)."""
        event.listen(sync_engine, "before_cursor_execute", self._statement)
        event.listen(sync_engine, "begin", self._begin)

    def attach_turns(self, turns: Any, one_statement_writes: bool) -> None:
        """Count the turn path's statements, each read and write a transaction of its own.

        A read is one statement; a write one on PostgreSQL, a transaction of 2-4 on SQLite.
        """
        read, write = turns.open_turn, turns.write_turn

        async def reading(parameters: Any) -> Any:
            self._statement()
            self._begin()
            return await read(parameters)

        async def writing(turn: Any) -> Any:
            self.statements += 1 if one_statement_writes else (
                2 + bool(turn.events) + (turn.message_id is not None))
            self._begin()
            return await write(turn)

        turns.open_turn, turns.write_turn = reading, writing

    def _statement(self, *_: Any) -> None:
        self.statements += 1

    def _begin(self, *_: Any) -> None:
        self.transactions += 1


async def _schema_statement(url: str, statement: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as db:
        await db.execute(text(statement))
    await engine.dispose()


async def _private_schema(url: str) -> tuple[str, str]:
    """Create a schema for this run; return its name and a URL whose connections use it."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    await _schema_statement(url, f'CREATE SCHEMA "{schema}"')
    joiner = "&" if "?" in url else "?"
    return schema, f"{url}{joiner}options=-csearch_path%3D{schema}"


async def _round(runtime: Any, counter: Counter, turns: int, concurrency: int) -> dict[str, float]:
    """Send `turns` questions from `concurrency` conversations; return cost per turn."""
    prefix = uuid.uuid4().hex[:6]
    before = (counter.statements, counter.transactions)
    sent = 0

    async def conversation(index: int) -> None:
        nonlocal sent
        for n in range(turns // concurrency):
            result = await runtime.conversation.handle(InboundMessage(
                channel="bench", sender_id=f"{prefix}-{index}", message_id=f"{prefix}-{index}-{n}",
                text=QUESTIONS[(index + n) % len(QUESTIONS)]))
            if not result.replies or "very fast" in result.replies[0].text:
                raise SystemExit("a turn was refused: the benchmark measures nothing")
            sent += 1

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(conversation(i) for i in range(concurrency)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"cpu_ms_per_turn": 1000 * cpu / sent, "turns_per_s": sent / wall,
            "statements_per_turn": (counter.statements - before[0]) / sent,
            "transactions_per_turn": (counter.transactions - before[1]) / sent}


async def main() -> None:
    """Measure and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="PostgreSQL URL (postgresql+psycopg://...)")
    parser.add_argument("--turns", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--redis", help="Redis URL: locks, rate limits and announcements in "
                        "Redis, as with several workers (default: in process)")
    parser.add_argument("--synthetic-articles", type=int, default=0,
                        help="add this many generated articles to the knowledge base")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        schema, url = (await _private_schema(args.postgres) if args.postgres
                       else (None, f"sqlite+aiosqlite:///{folder}/bot.db"))
        # the limiter stays in the turn, with the shipped windows and quotas no benchmark reaches
        unlimited = LimitSettings(messages_per_chat="1000000/minute;10000000/hour",
                                  messages_per_address="1000000/minute")
        extra = ({"knowledge_dir": synthetic_knowledge(Path(folder), args.synthetic_articles)}
                 if args.synthetic_articles else {})
        settings = BotSettings(data_dir=Path(folder), database_url=url, watch_knowledge=False,
                               limits=unlimited, redis_url=args.redis, **extra)
        runtime = build_runtime(settings, clients=Clients.offline())
        counter = Counter()
        counter.attach(runtime.engine.sync_engine)
        turns = getattr(runtime.store, "_turns", None)  # the turn's own read and write
        if turns is not None:
            counter.attach_turns(turns, one_statement_writes=bool(args.postgres))
        try:
            await _round(runtime, counter, 60, args.concurrency)  # warm-up: fit, caches, pool
            rounds = [await _round(runtime, counter, args.turns, args.concurrency)
                      for _ in range(args.rounds)]
        finally:
            await runtime.close()
            if schema is not None:
                await _schema_statement(args.postgres, f'DROP SCHEMA "{schema}" CASCADE')
    print(json.dumps({"database": "postgresql" if args.postgres else "sqlite",
                      "redis": bool(args.redis),
                      "concurrency": args.concurrency, "rounds": args.rounds,
                      **{k: round(statistics.median(r[k] for r in rounds), 3) for k in rounds[0]}}))


if __name__ == "__main__":
    asyncio.run(main())
