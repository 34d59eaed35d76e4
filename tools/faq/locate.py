"""Find the line of a text in a content file, so every problem points where to fix it."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1024)
def _read(path: str, stamp: int) -> tuple[str, ...]:
    try:
        return tuple(Path(path).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def file_lines(path: str) -> tuple[str, ...]:
    """Return the lines of `path` (cached until the file changes), or none if unreadable."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return ()
    return _read(path, stamp)


def find_line(path: str, text: str, after: str | None = None, *, body: bool = False) -> int:
    """Return the 1-based line of `text` in the file, or 1.

    Args:
        path: the content file.
        text: what to look for (surrounding spaces ignored).
        after: start looking after the first line that holds this (e.g. "questions:").
        body: look only in the answer, after the front matter's closing '---'.
    """
    lines = file_lines(path)
    start = 0
    if body:
        fences = [i for i, line in enumerate(lines) if line.strip() == "---"]
        start = fences[1] + 1 if len(fences) > 1 else 0
    if after:
        start = next((i for i in range(start, len(lines)) if after in lines[i]), start)
    needle = text.strip()
    return next((i + 1 for i in range(start, len(lines)) if needle and needle in lines[i]), 1)
