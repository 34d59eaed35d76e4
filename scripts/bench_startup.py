"""Start-up to ready: `msaidizi serve` from launch to its first 200 on /readyz.

Runs the server in a fresh data folder (cold: the intent model is fitted and stored), then
again on the same folder (warm: the stored model is loaded), alternating, and prints medians.
Our modules are compiled to bytecode first, as `make run` and a deployment image do.

    .venv/bin/python scripts/bench_startup.py --rounds 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_to_ready(data_dir: Path, timeout: float = 120.0) -> float:
    """Return seconds from launching `msaidizi serve` to a 200 on /readyz."""
    port = _free_port()
    env = {**os.environ, "MSAIDIZI_DATA_DIR": str(data_dir), "MSAIDIZI_LOG_LEVEL": "WARNING"}
    began = time.perf_counter()
    server = subprocess.Popen([str(ROOT / ".venv/bin/msaidizi"), "serve", "--port", str(port)],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - began < timeout:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    return time.perf_counter() - began
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError("the server did not become ready")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    """Measure cold and warm starts, alternating, and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    # compiled ahead, as `make run` and a deployment image do (PYTHONDONTWRITEBYTECODE may be set)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", "bot", "backend",
                    "escalation", "common", "privacy", "tools"], cwd=ROOT, check=True)
    cold, warm = [], []
    for _ in range(rounds):
        folder = Path(tempfile.mkdtemp(prefix="msaidizi-start-"))
        try:
            cold.append(start_to_ready(folder))
            warm.append(start_to_ready(folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"cold (fit and store the model): median {statistics.median(cold):.2f} s  {cold}")
    print(f"warm (load the stored model):   median {statistics.median(warm):.2f} s  {warm}")
    print(f"ratio warm/cold: {statistics.median(warm) / statistics.median(cold):.2f}")


if __name__ == "__main__":
    sys.exit(main())
