"""Payment fault benchmark: SIGKILL `msaidizi serve` at each step of an M-Pesa payment.

Every run starts a fresh system on loopback (a Daraja simulator in its own process, so it
outlives the server as Daraja does; `msaidizi serve` on a copied demo database; a TCP proxy
in front of the callback URL), links the demo citizen in the web chat, pays her bill, kills
the server with SIGKILL at the chosen step, restarts it, and checks:

* the payment is final within 2 minutes of the restart;
* no bill is paid twice (one succeeded payment and one receipt at most);
* a bill whose money moved (it is in the simulator's statement) is paid, and one whose money
  did not move is not;
* the citizen gets exactly one result message in the chat.

Callbacks are dropped, delayed, duplicated and reordered at random (seeded per run).
Usage: python scripts/bench_payment_faults.py --runs 20 [--steps before_push,...] [--json F]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STEPS = ("before_push", "while_daraja_answers", "after_push", "while_callback_handled")
WANJIRU_ID, WANJIRU_PHONE, REFERENCE = "12345678", "254712345678", "GC-2025-000456"
RESULT = re.compile(r"Payment received: .*GC-2025-000456|The payment for GC-2025-000456 did not")
FINAL_WITHIN = 120.0
# Shorter clocks than production's so a run takes seconds; each still leaves the simulator's
# prompt (2 s, plus up to 4 s of callback delay) well inside the prompt lifetime.
SERVER_ENV = {
    "MSAIDIZI_WATCH_KNOWLEDGE": "false",
    "MSAIDIZI_BACKEND_SIMULATOR_DELAY_SECONDS": "2",
    "MSAIDIZI_BACKEND_MPESA_QUERY_AFTER": "PT3S",
    "MSAIDIZI_BACKEND_MPESA_PROMPT_LIFETIME": "PT20S",
    "MSAIDIZI_BACKEND_MPESA_RECHECK_MAX": "PT10S",
    "MSAIDIZI_BACKEND_PAYMENT_RESERVE_LEASE": "PT10S",
    "MSAIDIZI_BACKEND_IDEMPOTENCY_LEASE": "PT15S",
    "MSAIDIZI_BACKEND_RECONCILE_INTERVAL_SECONDS": "1",
}


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 60.0) -> float:
    """Wait until `url` answers 200; return how long it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


class Process:
    """A child process with its log in the run folder."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path, cwd: Path) -> None:
        self._log = log.open("ab")
        self.popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=self._log,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        """Stop politely, then for sure."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


class KillProxy:
    """A TCP proxy before the callback URL that can SIGKILL the server mid-callback."""

    def __init__(self, listen: int, target: int) -> None:
        self.listen, self.target = listen, target
        self.armed: Process | None = None
        self.killed = threading.Event()
        self.rng = random.Random()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", self.listen))
        self._ready.set()
        self._loop.run_forever()
        server.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.close()
            return

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, watch: bool) -> None:
            try:
                while chunk := await src.read(65536):
                    dst.write(chunk)
                    await dst.drain()
                    if watch and self.armed is not None and b"/mpesa/callback/" in chunk:
                        victim, self.armed = self.armed, None
                        await asyncio.sleep(self.rng.uniform(0.0, 0.03))  # inside the handler
                        victim.kill()
                        self.killed.set()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer, True), pipe(up_reader, writer, False))

    def close(self) -> None:
        """Stop the proxy."""
        self._loop.call_soon_threadsafe(self._loop.stop)


@dataclass
class RunResult:
    """What one run saw."""

    step: str
    seed: int
    outcome: str
    faults: dict[str, Any]
    restart_seconds: float = 0.0
    final_after_restart: float | None = None
    results_in_chat: int = 0
    bill_paid: bool = False
    money_moved: bool = False
    payments_succeeded: int = 0
    receipts: int = 0
    problems: list[str] = field(default_factory=list)


class System:
    """One run's simulator, proxy and server."""

    def __init__(self, folder: Path, template: Path) -> None:
        self.folder = folder
        shutil.copytree(template, folder / "var")
        self.sim_port, self.web_port, self.proxy_port = free_port(), free_port(), free_port()
        self.env = {**os.environ, **SERVER_ENV,
                    "MSAIDIZI_DATA_DIR": str(folder / "var"),
                    "MSAIDIZI_BACKEND_MPESA_BASE_URL": f"http://127.0.0.1:{self.sim_port}",
                    "MSAIDIZI_BACKEND_PUBLIC_URL": f"http://127.0.0.1:{self.proxy_port}/backend"}
        self.sim = Process([str(BIN / "python"), "-m", "backend.simulator", "--port",
                            str(self.sim_port), "--delay", "2"], self.env, folder / "sim.log",
                           REPO)
        self.proxy = KillProxy(self.proxy_port, self.web_port)
        self.server: Process | None = None
        self.daraja = httpx.Client(base_url=f"http://127.0.0.1:{self.sim_port}", timeout=10)
        self.web = httpx.Client(base_url=f"http://127.0.0.1:{self.web_port}", timeout=30)
        wait_for(f"http://127.0.0.1:{self.sim_port}/faults")

    def start_server(self) -> float:
        """Start `msaidizi serve`; return seconds to ready."""
        self.server = Process([str(BIN / "msaidizi"), "serve", "--port", str(self.web_port)],
                              self.env, self.folder / "server.log", self.folder)
        return wait_for(f"http://127.0.0.1:{self.web_port}/backend/health")

    def close(self) -> None:
        """Stop everything."""
        if self.server is not None:
            self.server.stop()
        self.sim.stop()
        self.proxy.close()
        self.daraja.close()
        self.web.close()

    def backend_rows(self) -> tuple[str, int, int, list[str]]:
        """Return the bill's status, its succeeded payments and receipts, and all statuses."""
        with sqlite3.connect(self.folder / "var" / "backend.db") as db:
            bill_id, status = db.execute(
                "SELECT b.id, b.status FROM bills b JOIN applications a ON a.id = b.application_id"
                " WHERE a.reference = ?", (REFERENCE,)).fetchone()
            statuses = [r[0] for r in db.execute(
                "SELECT status FROM payments WHERE bill_id = ? AND method = 'mpesa'",
                (bill_id,))]
            receipts = db.execute("SELECT COUNT(*) FROM receipts WHERE bill_id = ?",
                                  (bill_id,)).fetchone()[0]
        return status, statuses.count("succeeded"), int(receipts), statuses


class Citizen:
    """The demo citizen in the web chat."""

    def __init__(self, system: System) -> None:
        self.system = system
        system.web.post("/webchat/session").raise_for_status()  # the page's cookie

    def say(self, text: str = "", choice: str | None = None, client_id: str | None = None
            ) -> list[dict[str, Any]]:
        body = {"text": text, "choice": choice, "client_id": client_id or uuid.uuid4().hex}
        response = self.system.web.post("/webchat/send", json=body)
        response.raise_for_status()
        return list(response.json()["messages"])

    def results(self) -> int:
        messages = self.system.web.get("/webchat/messages").json()["messages"]
        return sum(1 for m in messages if RESULT.search(str(m.get("text", ""))))

    def link_and_choose_bill(self) -> None:
        self.say("Hello")
        self.say(choice="link_account")
        self.say(choice="link_account:agree")
        self.say(WANJIRU_ID)
        sent = self.system.web.get("/backend/dev/outbox", params={"to": WANJIRU_PHONE}).json()
        code = re.search(r"\b(\d{6})\b", sent[0]["text"])
        assert code, sent
        self.say(code.group(1))
        self.say("English please")  # an explicit switch holds: results come in English
        shown = " ".join(str(m.get("text", "")) for m in self.say("I want to pay"))
        assert REFERENCE in shown, shown


def _wait_waiting(system: System, kind: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if system.daraja.get("/activity").json()["waiting"][kind] > 0:
            return
        time.sleep(0.01)
    raise RuntimeError(f"no {kind} request reached the simulator")


def run_once(step: str, seed: int, template: Path, keep: bool) -> RunResult:
    """Play one payment with one kill; return what the invariants found."""
    rng = random.Random(seed)
    outcome = rng.choice(["success", "success", "success", "cancelled"])
    faults = {"seed": seed, "drop_rate": rng.choice([0.0, 0.5, 1.0]),
              "duplicates": rng.choice([0, 1, 2]), "extra_delay": [0.0, rng.choice([0.5, 4.0])],
              "forget": rng.random() < 0.25}
    if step == "while_callback_handled":  # a callback must reach the server to be killed in
        faults["drop_rate"] = 0.0
    result = RunResult(step, seed, outcome, faults)
    folder = Path(tempfile.mkdtemp(prefix=f"msz-fault-{step}-"))
    system = System(folder, template)
    try:
        system.start_server()
        citizen = Citizen(system)
        citizen.link_and_choose_bill()
        system.daraja.post("/faults", json=faults)
        if outcome == "cancelled":
            system.daraja.post("/outcomes", json={"phone": WANJIRU_PHONE, "result_code": 1032})
        if step == "before_push":
            system.daraja.post("/faults", json={"token_delay": 30})
        if step == "while_daraja_answers":
            system.daraja.post("/faults", json={"ack_delay": 30})
        confirm_id = uuid.uuid4().hex
        assert system.server is not None
        if step in ("before_push", "while_daraja_answers"):
            turn = threading.Thread(target=_swallow, args=(citizen, confirm_id), daemon=True)
            turn.start()
            _wait_waiting(system, "token" if step == "before_push" else "push")
            system.server.kill()
            system.daraja.post("/faults", json={"token_delay": 0, "ack_delay": 0})
        elif step == "after_push":
            citizen.say(choice="start_payment:confirm", client_id=confirm_id)
            system.server.kill()
        else:
            system.proxy.armed = system.server
            citizen.say(choice="start_payment:confirm", client_id=confirm_id)
            if not system.proxy.killed.wait(30):
                result.problems.append("no callback reached the server to kill it")
                system.server.kill()
        system.server.stop()
        result.restart_seconds = system.start_server()
        restarted = time.monotonic()
        if step in ("before_push", "while_daraja_answers"):
            citizen.say(choice="start_payment:confirm", client_id=confirm_id)  # the page retries
        _await_final(system, citizen, result, restarted)
    except Exception as exc:  # a broken run is a finding, not a crash of the benchmark
        result.problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        system.close()
        if not keep and not result.problems:
            shutil.rmtree(folder, ignore_errors=True)
        elif result.problems:
            result.problems.append(f"logs kept in {folder}")
    return result


def _swallow(citizen: Citizen, client_id: str) -> None:
    with contextlib.suppress(httpx.HTTPError, AssertionError):  # killed under it, as planned
        citizen.say(choice="start_payment:confirm", client_id=client_id)


def _await_final(system: System, citizen: Citizen, result: RunResult, since: float) -> None:
    """Wait for a final payment and one result message; record the invariants."""
    deadline = since + FINAL_WITHIN
    statuses: list[str] = []
    while time.monotonic() < deadline:
        bill, succeeded, receipts, statuses = system.backend_rows()
        final = statuses and all(s in ("succeeded", "failed") for s in statuses)
        if final and citizen.results() >= 1:
            result.final_after_restart = round(time.monotonic() - since, 2)
            break
        time.sleep(0.25)
    time.sleep(3.0)  # late duplicates and the event poller get their chance to misbehave
    bill, succeeded, receipts, statuses = system.backend_rows()
    statement = system.daraja.get("/statement").json()
    result.money_moved = any(row["bill_reference"] for row in statement)
    result.bill_paid = bill == "paid"
    result.payments_succeeded, result.receipts = succeeded, receipts
    result.results_in_chat = citizen.results()
    if result.final_after_restart is None:
        result.problems.append(f"not final within {FINAL_WITHIN:.0f} s: {statuses}")
    if succeeded > 1 or receipts > 1:
        result.problems.append("bill paid twice")
    if result.money_moved != result.bill_paid:
        result.problems.append(f"money moved={result.money_moved} but bill paid={result.bill_paid}")
    if result.results_in_chat != 1:
        result.problems.append(f"{result.results_in_chat} result messages in the chat")


def build_template() -> Path:
    """Migrate and seed one data folder (both databases) to copy for every run."""
    folder = Path(tempfile.mkdtemp(prefix="msz-fault-template-"))
    env = {**os.environ, "MSAIDIZI_DATA_DIR": str(folder / "var")}
    subprocess.run([str(BIN / "msaidizi"), "db", "upgrade"], env=env, cwd=folder, check=True,
                   capture_output=True)
    subprocess.run([str(BIN / "msaidizi"), "seed"], env=env, cwd=folder, check=True,
                   capture_output=True)
    return folder / "var"


def summarise(results: list[RunResult]) -> dict[str, Any]:
    """Return per-step counts and timings."""
    summary: dict[str, Any] = {}
    for step in STEPS:
        runs = [r for r in results if r.step == step]
        if not runs:
            continue
        finals = [r.final_after_restart for r in runs if r.final_after_restart is not None]
        summary[step] = {
            "runs": len(runs),
            "final_within_2_min": len(finals),
            "paid_twice": sum(1 for r in runs if r.payments_succeeded > 1 or r.receipts > 1),
            "money_moved_bill_unpaid": sum(1 for r in runs if r.money_moved and not r.bill_paid),
            "paid_without_money": sum(1 for r in runs if r.bill_paid and not r.money_moved),
            "exactly_one_result": sum(1 for r in runs if r.results_in_chat == 1),
            "money_moved": sum(1 for r in runs if r.money_moved),
            "final_median_s": round(statistics.median(finals), 1) if finals else None,
            "final_max_s": max(finals) if finals else None,
            "restart_median_s": round(statistics.median(r.restart_seconds for r in runs), 1),
            "failed_runs": [asdict(r) for r in runs if r.problems],
        }
    return summary


def main() -> int:
    """Run the benchmark and print a summary (exit 1 when an invariant broke)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per step")
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--keep", action="store_true", help="keep every run's folder")
    args = parser.parse_args()
    template = build_template()
    results = []
    started = time.monotonic()
    for index, step in enumerate(args.steps.split(",")):
        for n in range(args.runs):
            result = run_once(step, args.seed * 1000 + index * 100 + n, template, args.keep)
            results.append(result)
            mark = "ok" if not result.problems else "FAIL " + "; ".join(result.problems)
            print(f"{step:24} run {n + 1:2}: {result.outcome:9} final after "
                  f"{result.final_after_restart} s: {mark}", flush=True)
    summary = summarise(results)
    summary["wall_seconds"] = round(time.monotonic() - started)
    print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "failed_runs"}
                      if isinstance(v, dict) else v for k, v in summary.items()}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    shutil.rmtree(template.parent, ignore_errors=True)
    return 0 if all(not r.problems for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
