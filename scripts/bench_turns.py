"""Turn throughput, latency and server CPU per turn, beside a bare endpoint served the same way.

Starts `msaidizi serve [--workers N]` (SQLite under a temporary folder, or PostgreSQL in
private schemas for the assistant and its backend, with Redis)
and `scripts/bench_bare.py` under uvicorn with the same number of workers, then drives each
with wrk (Debian's `wrk`) on loopback: FAQ questions to `POST /webhooks/rest/webhook`. By
default each connection speaks for citizens who wait for their answer before they write
again, as people do: a message goes out under a citizen whose last answer has come back (the
reply names its recipient), so no two turns of one conversation are ever in flight at once.
`--senders N` instead draws each message's sender at random from N citizens per connection:
turns of one conversation then meet (with N=10 at 50 connections, about one message in ten
waits for its conversation's turn before it), and 1 makes them collide most, the worst case
of citizens sending many messages at once. Server CPU is read from /proc for the
server process and its workers. Runs alternate (bare, assistant) and repeat; medians are
reported with the ratio of the two.

Usage: python scripts/bench_turns.py [--db sqlite|postgres] [--workers 1] [--concurrency 10,50]
                                     [--duration 15] [--repeats 3] [--senders N]
                                     [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("MSAIDIZI_TEST_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("MSAIDIZI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SCHEMAS: list[str] = []
QUESTIONS = [  # citizen-style FAQ questions, answered from the knowledge base
    "how much is a passport", "bei ya pasipoti ni ngapi", "I forgot my ecitizen password",
    "nimesahau password ya ecitizen", "what is the paybill number for ecitizen",
    "how do I renew my driving licence", "jinsi ya kupata cheti cha polisi",
    "how long does a passport take", "can I pay with card", "ecitizen haifunguki",
]
# Draws each sender at random from `senders` citizens (`--senders`).
LUA_DRAWN = """
local questions = {%s}
local senders = %d
local run = "%s"
request = function()
  local q = questions[math.random(#questions)]
  local s = run .. "-" .. math.random(senders)
  local body = '{"sender": "' .. s .. '", "message": "' .. q .. '"}'
  return wrk.format("POST", "/webhooks/rest/webhook", {["Content-Type"]="application/json"}, body)
end
"""
# Citizens who wait for their answer: a message goes out under a citizen whose reply came
# back (its recipient_id), or under a new one; each wrk thread names its own citizens.
LUA_WAITING = """
local questions = {%s}
local run = "%s"
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
local free = {}
local made = 0
request = function()
  local s = table.remove(free)
  if s == nil then
    made = made + 1
    s = run .. "-t" .. thread_id .. "-" .. made
  end
  local q = questions[math.random(#questions)]
  local body = '{"sender": "' .. s .. '", "message": "' .. q .. '"}'
  return wrk.format("POST", "/webhooks/rest/webhook", {["Content-Type"]="application/json"}, body)
end
response = function(status, headers, body)
  local s = string.match(body, '"recipient_id":%%s*"([^"]+)"')
  if s then table.insert(free, s) end
end
"""


@dataclass
class Run:
    """One wrk run against one server."""

    target: str
    concurrency: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    cpu_ms_per_request: float


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """Return user+system CPU of `pid` and all its descendants, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for child in [pid, *_descendants(pid)]:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found += [int(entry.name), *_descendants(int(entry.name))]
    return found


def _wait_up(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def _wrk(url: str, concurrency: int, duration: int,
         lua: Path) -> tuple[float, float, float, int, int]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{concurrency}", f"-d{duration}s", "--latency", "--timeout", "30s",
         "-s", str(lua), url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())

    def percentile(name: str) -> float:
        m = re.search(rf"^\s+{name}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if m is None:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return rps, percentile("50"), percentile("99"), errors, total


def _schema(prefix: str) -> str:
    """Create a private PostgreSQL schema; return a URL whose search_path is it."""
    import sqlalchemy as sa

    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    SCHEMAS.append(schema)
    sep = "&" if "?" in POSTGRES else "?"
    return f"{POSTGRES}{sep}options=-csearch_path%3D{schema}"


def _drop_schemas() -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES)
    with admin.begin() as connection:
        for schema in SCHEMAS:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def _environment(folder: Path, db: str, workers: int) -> dict[str, str]:
    env = {**os.environ, "MSAIDIZI_DATA_DIR": str(folder), "MSAIDIZI_LOG_LEVEL": "WARNING",
           "MSAIDIZI_LIMITS__MESSAGES_PER_CHAT": "1000000/minute",
           "MSAIDIZI_LIMITS__MESSAGES_PER_ADDRESS": "1000000/minute",
           "MSAIDIZI_WATCH_KNOWLEDGE": "false",
           "PYTHONPATH": str(REPO)}
    if db == "postgres":
        env["MSAIDIZI_DATABASE_URL"] = _schema("bench_bot")
        env["MSAIDIZI_BACKEND_DATABASE_URL"] = _schema("bench_be")  # --workers refuses SQLite
    if workers > 1 or db == "postgres":
        env["MSAIDIZI_REDIS_URL"] = REDIS
    return env


def _start(command: list[str], env: dict[str, str],
           url: str) -> tuple[subprocess.Popen[bytes], float]:
    # MSAIDIZI_BENCH_SERVER_LOG keeps the server's warnings and errors (to see why a run erred)
    log_path = os.environ.get("MSAIDIZI_BENCH_SERVER_LOG")
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=log,
                               start_new_session=True)
    return process, _wait_up(url, process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    """Run the benchmark and print a table (and JSON when asked)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", default="10,50")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--senders", type=int, default=None,
                        help="draw each sender at random from this many citizens per "
                             "connection, so that turns of one conversation meet (1: most "
                             "often); by default a citizen writes again only once answered")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    python = sys.executable
    bin_dir = Path(python).parent
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = _environment(folder, args.db, args.workers)
        bot_port, bare_port = _free_port(), _free_port()
        serve = [str(bin_dir / "msaidizi"), "serve", "--port", str(bot_port)]
        if args.workers > 1:
            serve += ["--workers", str(args.workers)]
        bare = [python, "-m", "uvicorn", "scripts.bench_bare:app", "--port", str(bare_port),
                "--workers", str(args.workers), "--log-level", "warning",
                "--no-access-log"]
        bot_url, bare_url = f"http://127.0.0.1:{bot_port}", f"http://127.0.0.1:{bare_port}"
        assistant, started = _start(serve, env, bot_url)
        floor, _ = _start(bare, env, bare_url)
        print(f"assistant ready after {started:.1f} s", flush=True)
        try:
            for attempt in range(args.repeats):
                for level in levels:
                    lua = folder / f"post-{level}.lua"
                    questions = ", ".join(json.dumps(q) for q in QUESTIONS)
                    run = f"r{attempt}c{level}"
                    lua.write_text(LUA_WAITING % (questions, run) if args.senders is None
                                   else LUA_DRAWN % (questions, level * args.senders, run))
                    for target, url, process in (("bare", bare_url, floor),
                                                 ("assistant", bot_url, assistant)):
                        before = _cpu_seconds(process.pid)
                        rps, p50, p99, errors, total = _wrk(url, level, args.duration, lua)
                        cpu = _cpu_seconds(process.pid) - before
                        runs.append(Run(target, level, rps, p50, p99, errors, total,
                                        1000 * cpu / max(total, 1)))
                        print(f"{target:9} c={level:<4} {rps:8.1f} req/s  p50 {p50:7.1f} ms  "
                              f"p99 {p99:8.1f} ms  errors {errors}  cpu/req "
                              f"{runs[-1].cpu_ms_per_request:.3f} ms", flush=True)
        finally:
            _stop(assistant)
            _stop(floor)
            if SCHEMAS:
                _drop_schemas()
    summary = {}
    for level in levels:
        row = {}
        for target in ("bare", "assistant"):
            chosen = [r for r in runs if r.target == target and r.concurrency == level]
            row[target] = {k: statistics.median(getattr(r, k) for r in chosen)
                           for k in ("requests_per_s", "p50_ms", "p99_ms",
                                     "cpu_ms_per_request")}
            row[target]["errors"] = sum(r.errors for r in chosen)
        row["throughput_ratio"] = row["assistant"]["requests_per_s"] / row["bare"]["requests_per_s"]
        summary[level] = row
        print(f"c={level}: assistant {row['assistant']['requests_per_s']:.0f} req/s "
              f"(p50 {row['assistant']['p50_ms']:.1f} ms, p99 {row['assistant']['p99_ms']:.1f} ms, "
              f"{row['assistant']['cpu_ms_per_request']:.2f} ms CPU, errors "
              f"{row['assistant']['errors']}) vs bare {row['bare']['requests_per_s']:.0f} req/s "
              f"({row['bare']['cpu_ms_per_request']:.3f} ms CPU): ratio "
              f"{row['throughput_ratio']:.3f}")
    if args.json:
        args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)},
                                         "startup_s": started, "summary": summary,
                                         "runs": [asdict(r) for r in runs]}, indent=1))


if __name__ == "__main__":
    main()
