"""`msaidizi chat` runs what `serve` runs, so a terminal chat can link an account and act."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[3]
OUTBOX = re.compile(r"(http://127\.0\.0\.1:\d+/backend)/dev/outbox/page")


class TerminalChat:
    """A `msaidizi chat` process driven through its standard input and output."""

    def __init__(self, data_dir: Path) -> None:
        env = {**os.environ, "MSAIDIZI_DATA_DIR": str(data_dir),
               "MSAIDIZI_KNOWLEDGE_DIR": str(REPO / "knowledge"),
               "MSAIDIZI_LOCALES_DIR": str(REPO / "locales"), "MSAIDIZI_WATCH_KNOWLEDGE": "false"}
        for name in ("MSAIDIZI_BACKEND_API__URL", "MSAIDIZI_DATABASE_URL", "MSAIDIZI_REDIS_URL"):
            env.pop(name, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"], cwd=data_dir, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def until(self, pattern: str, timeout: float = 60) -> str:
        """Return the output up to the first line matching `pattern`."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if re.search(pattern, line):
                return "".join(seen)
        raise AssertionError(f"no {pattern!r} in:\n{''.join(seen)}")

    def say(self, text: str) -> None:
        """Type one line."""
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def quit(self) -> int:
        """End the input (Ctrl-D) and return the exit code."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=30)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code


def test_a_terminal_chat_links_an_account_and_reads_a_status_with_no_setting(
    tmp_path: Path,
) -> None:
    chat = TerminalChat(tmp_path)
    try:
        backend = OUTBOX.search(chat.until(r"dev/outbox/page"))
        assert backend is not None
        chat.say("status of PP-2025-000123")
        chat.until(r"Yes, I agree")
        chat.say("1")
        chat.until(r"ID number or the phone number")
        chat.say("12345678")
        chat.until(r"6-digit code has been sent")
        sms = httpx.get(f"{backend.group(1)}/dev/outbox", params={"to": "254712345678"}).json()
        code = re.search(r"\b(\d{6})\b", sms[0]["text"])
        assert code is not None, sms
        chat.say(code.group(1))
        # Wanjiru prefers Swahili: once linked, the chat follows her stored preference
        shown = chat.until(r"PP-2025-000123")
        assert "Asante, Wanjiru" in shown
        assert "(PP-2025-000123) linashughulikiwa" in shown
    finally:
        exit_code = chat.quit()
    assert exit_code == 0
