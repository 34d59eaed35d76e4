"""A digest of what a knowledge version's derived state depends on: its files and our code."""

from __future__ import annotations

import hashlib
import importlib.metadata
from functools import lru_cache
from pathlib import Path

from bot.core.vocabulary import DEFAULT_FILE

_BOT = Path(__file__).resolve().parents[1]
# The code that reads the files and derives from them: loaders, normaliser, coverage, elsewhere
# (with its data files), and the core's vocabulary and language rules they use.
_CODE = (_BOT / "knowledge", _BOT / "nlu", _BOT / "core")
_LIBRARIES = ("PyYAML", "PyStemmer", "rapidfuzz", "wordfreq", "msgpack", "numpy", "scipy",
              "scikit-learn")
UNREAD = frozenset({"held_out"})  # questions to measure with, never read by the assistant


def knowledge_fingerprint(root: Path) -> str | None:
    """Return a digest of every file under `root` and of our code, or None if one is unreadable.

    Any edit, addition or removal of a file changes it, and so does a new release of the code
    or of the libraries that shape the derived state.
    """
    digest = hashlib.sha256(_code_fingerprint())
    try:
        files = sorted(p for p in root.rglob("*") if p.is_file() and not _skipped(p, root))
        for path in files:
            body = path.read_bytes()
            digest.update(f"{path.relative_to(root).as_posix()}\x00{len(body)}\x00".encode())
            digest.update(body)
    except OSError:
        return None
    return digest.hexdigest()[:32]


def _skipped(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return parts[0] in UNREAD or any(part.startswith(".") for part in parts)


@lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    digest = hashlib.sha256()
    for folder in _CODE:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()
                           and "__pycache__" not in p.parts):
            digest.update(f"{path.relative_to(_BOT).as_posix()}\x00".encode() + path.read_bytes())
    # the vocabulary used when the folder's own is unusable
    digest.update(DEFAULT_FILE.read_bytes() if DEFAULT_FILE.exists() else b"")
    for name in _LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "?"
        digest.update(f"{name}={version};".encode())
    return digest.digest()
