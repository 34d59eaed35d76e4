"""Run `msaidizi serve` (or another command) as a real process tree, for multi-process tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from tests.helpers.server import free_port

REPO = Path(__file__).resolve().parents[2]
FIXTURE_KNOWLEDGE = REPO / "tests" / "fixtures" / "knowledge"


class ServedProcess:
    """`python -m bot <args> --port P` in its own session; its output kept in a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self._args = [sys.executable, "-m", "bot", *args, "--port", str(self.port)]
        self._env = {**os.environ, **env, "PYTHONPATH": str(REPO)}
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Return the served base URL."""
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """Return everything the process tree printed so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def __enter__(self) -> ServedProcess:
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                self._args, env=self._env, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"server did not come up:\n{self.output()}")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


def child_pids(pid: int) -> list[tuple[int, str]]:
    """Return the process id and command line of every live descendant of `pid`."""
    found: list[tuple[int, str]] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":  # a zombie is not running
            found += [(int(entry.name), command), *child_pids(int(entry.name))]
    return found


def child_commands(pid: int) -> list[str]:
    """Return the command lines of every live descendant of `pid`."""
    return [command for _, command in child_pids(pid)]
