"""Push fan-out to open chat pages over two workers, and what idle open pages cost.

Starts `msaidizi serve --workers 2` on PostgreSQL (private schemas) and Redis, opens N chat
sessions and N WebSockets (as N open pages; the kernel spreads them over the workers), then:

1. idle: the server's CPU (all its processes) over a quiet interval with N pages open;
2. push: for every page, a message is stored and announced as the background worker does it
   (`append_outbound`, then a Redis publish) and the time until that page's socket receives
   it is recorded, either all at once (a burst) or at `--rate` pushes a second. Rounds
   repeat; the median and p99 are reported.

Loopback only, bounded; run on PostgreSQL and Redis of this machine:

    .venv/bin/python scripts/bench_push.py --pages 1000 --rounds 3 [--rate 200] [--turns 20]

With `--turns K` (default 20), K FAQ turns from new citizens are sent while every page is
open, and how many were answered is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_turns as turns

from bot.core.messages import TextReply
from bot.core.presence import Announcer
from bot.notify.pushes import log_pushed
from bot.storage.redis_names import RedisNames
from bot.storage.sealing import Sealer
from bot.storage.signals import RedisSignal
from bot.storage.sql import SqlConversationStore


def _async_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql+psycopg_async://", 1)


async def _open_pages(base: str, pages: int) -> list[str]:
    """Start `pages` chat sessions, each with one message so its conversation exists."""
    # one client per page (cookies are per client), all over one pool of connections
    transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=50))
    gate = asyncio.Semaphore(50)

    async def one(i: int) -> str:
        async with gate:
            page = httpx.AsyncClient(base_url=base, timeout=60, transport=transport)
            started = await page.post("/webchat/session")
            if "msz_chat" not in page.cookies:
                raise RuntimeError(f"no session: {started.status_code} {started.text[:200]}")
            await page.post("/webchat/send", json={"text": "hello", "client_id": f"b{i}"})
            return str(page.cookies["msz_chat"])

    try:
        return list(await asyncio.gather(*(one(i) for i in range(pages))))
    finally:
        await transport.aclose()


async def _turns_while_open(base: str, count: int) -> tuple[int, float]:
    """Send `count` FAQ turns from new citizens; return how many got an answer, and the p50."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        async def one(i: int) -> float | None:
            began = time.perf_counter()
            reply = await client.post("/webhooks/rest/webhook", json={
                "sender": f"bench-turn-{i}", "message": "how do I pay with mpesa"})
            ok = reply.status_code == 200 and bool(reply.json())
            return time.perf_counter() - began if ok else None

        done = await asyncio.gather(*(one(i) for i in range(count)))
    answered = [d for d in done if d is not None]
    return len(answered), (statistics.median(answered) * 1000 if answered else 0.0)


async def _senders(db_url: str, tokens: list[str]) -> dict[str, str]:
    """Map each cookie to its sender id (only the server knows it; the benchmark reads it)."""
    engine = create_async_engine(_async_url(db_url))
    hashes = {hashlib.sha256(t.encode()).hexdigest(): t for t in tokens}
    async with engine.connect() as connection:
        rows = (await connection.execute(text(
            "SELECT token_hash, sender_id FROM bot_web_sessions"))).all()
    await engine.dispose()
    return {hashes[h]: s for h, s in rows if h in hashes}


async def _cpu_over(pid: int, seconds: float) -> float:
    before = turns._cpu_seconds(pid)
    await asyncio.sleep(seconds)
    return (turns._cpu_seconds(pid) - before) / seconds


async def run(pages: int, rounds: int, idle_seconds: float,
              rate: float = 0.0, turns_while_open: int = 0) -> dict[str, object]:
    """Start the server, open the pages, measure idle CPU and push latency."""
    folder = Path(tempfile.mkdtemp(prefix="msaidizi-push-"))
    env = turns._environment(folder, "postgres", 2)
    key = Fernet.generate_key().decode()
    env["MSAIDIZI_SECRETS_KEY"] = key
    env["MSAIDIZI_LIMITS__SESSIONS_PER_ADDRESS"] = "1000000/minute"
    port = turns._free_port()
    base = f"http://127.0.0.1:{port}"
    server, _ = turns._start([str(turns.REPO / ".venv/bin/msaidizi"), "serve", "--workers", "2",
                              "--port", str(port)], env, base)
    results: dict[str, object] = {"pages": pages, "pushes_per_s": rate or "all at once"}
    try:
        opened = await _open_pages(base, pages)
        senders = await _senders(env["MSAIDIZI_DATABASE_URL"], opened)
        received: dict[str, float] = {}
        arrived = asyncio.Event()
        sockets: list[ClientConnection] = []

        async def listen(token: str, socket: ClientConnection) -> None:
            async for raw in socket:
                body = json.loads(raw)
                if str(body.get("text", "")).startswith("push "):
                    received[body["text"]] = time.perf_counter()
                    if len(received) % pages == 0:
                        arrived.set()

        ws_base = base.replace("http", "ws") + "/webchat/ws?after=0"
        for token in opened:
            sockets.append(await connect(ws_base, additional_headers={
                "Cookie": f"msz_chat={token}"}, open_timeout=30, max_queue=None))
        listeners = [asyncio.create_task(listen(t, s))
                     for t, s in zip(opened, sockets, strict=True)]
        await asyncio.sleep(2)  # every worker has subscribed its pages
        results["idle_cpu_share_of_a_core"] = await _cpu_over(server.pid, idle_seconds)
        if turns_while_open:
            answered, p50 = await _turns_while_open(base, turns_while_open)
            results["turns_answered_while_open"] = f"{answered} of {turns_while_open}"
            results["turn_p50_ms_while_open"] = p50

        engine = create_async_engine(_async_url(env["MSAIDIZI_DATABASE_URL"]), pool_size=20)
        store = SqlConversationStore(engine, sealer=Sealer([key]))
        announcer = Announcer.from_secret(key)  # as the workers sign announcements
        redis_signal = RedisSignal(Redis.from_url(env["MSAIDIZI_REDIS_URL"]),
                                   RedisNames(key.encode()))  # as the workers name channels
        latencies: list[float] = []
        gate = asyncio.Semaphore(20)
        for round_ in range(rounds):
            arrived.clear()
            published: dict[str, float] = {}

            async def push(token: str, round_: int = round_,
                           published: dict[str, float] = published) -> None:
                cid = f"webchat:{senders[token]}"
                body = f"push {round_} {token[:12]}"
                async with gate:  # as Runtime.push: the announcement carries the message
                    pushed = await log_pushed(store, cid, [TextReply(body)])
                    published[body] = time.perf_counter()  # the announcement leaves now
                    await redis_signal.publish(cid, announcer.note(pushed))

            async def paced(i: int, token: str, began: float = time.perf_counter()) -> None:
                if rate > 0:  # spread over time as real pushes are; 0 sends them all at once
                    await asyncio.sleep(max(0.0, began + i / rate - time.perf_counter()))
                await push(token)

            await asyncio.gather(*(paced(i, t) for i, t in enumerate(opened)))
            await asyncio.wait_for(arrived.wait(), timeout=120)
            latencies += [received[b] - t for b, t in published.items() if b in received]
        results["pushes"] = len(latencies)
        results["push_p50_ms"] = statistics.median(latencies) * 1000
        results["push_p99_ms"] = statistics.quantiles(latencies, n=100)[98] * 1000
        for task in listeners:
            task.cancel()
        for socket in sockets:
            await socket.close()
        await engine.dispose()
    finally:
        turns._stop(server)
        turns._drop_schemas()
    return results


def main() -> None:
    """Run the benchmark and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=0.0,
                        help="pushes per second (0: each round sends all pages' pushes at once)")
    parser.add_argument("--turns", type=int, default=20,
                        help="FAQ turns from new citizens while every page is open")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(turns.REPO))
    figures = asyncio.run(run(args.pages, args.rounds, args.idle_seconds, args.rate,
                                  args.turns))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
