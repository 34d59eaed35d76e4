"""A digest of what a knowledge version's derived state depends on: what was loaded, and our code.

The digest is taken of the loaded knowledge, not of the folder's files: whatever the folder is
made of (symlinked folders, hidden files, odd file names, last good versions kept for broken
files), the same loaded articles, intents, lexicon, vocabulary and services give the same
digest, and any difference gives another. Where files were found (paths, lines) is left out,
so hosts mounting a shared folder at different places share the digest too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import sys
import unicodedata
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.core.vocabulary import Vocabulary
from bot.knowledge.loader import Knowledge
from bot.nlu.model_store import library_version

logger = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parents[2]
# The code that derives from the knowledge: normaliser, coverage and elsewhere (with their data
# files), the core's vocabulary and language rules, the redaction patterns the normaliser's
# placeholders use, and the shared readers.
_CODE = ("bot/knowledge", "bot/nlu", "bot/core", "privacy", "common")
_LIBRARIES = ("PyYAML", "PyStemmer", "rapidfuzz", "wordfreq", "msgpack", "numpy", "scipy",
              "scikit-learn")
WHEREABOUTS = frozenset({"path", "line", "problems"})  # where things were found, not what


def knowledge_digest(knowledge: Knowledge, vocabulary: Vocabulary) -> str | None:
    """Return a digest of the loaded knowledge, the vocabulary used and our code; None on doubt.

    None (with a warning) means "derive it again": a digest must never fail a start.
    """
    try:
        digest = hashlib.sha256(_code_fingerprint())
        _feed(digest, dataclasses.replace(knowledge, problems=()))
        _feed(digest, vocabulary)
    except Exception as exc:  # an unforeseen value: derive again rather than guess
        logger.warning("Knowledge digest not taken (%s): deriving its state again", exc)
        return None
    return digest.hexdigest()[:32]


def _feed(digest: Any, value: object) -> None:
    """Feed `value` to `digest` in one unambiguous, order-stable encoding."""
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        digest.update(b"s%d:" % len(data) + data)
    elif value is None or isinstance(value, bool | int | float | date):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(f"d{type(value).__name__}(".encode())
        for field in dataclasses.fields(value):
            if field.compare and field.name not in WHEREABOUTS:
                _feed(digest, field.name)
                _feed(digest, getattr(value, field.name))
        digest.update(b")")
    elif isinstance(value, Mapping):
        _feed_items(digest, b"m", [(_encoded(k), v) for k, v in value.items()])
    elif isinstance(value, set | frozenset):
        _feed_items(digest, b"f", [(_encoded(v), None) for v in value])
    elif isinstance(value, tuple | list):
        digest.update(b"t%d(" % len(value))
        for item in value:
            _feed(digest, item)
        digest.update(b")")
    else:
        raise TypeError(f"no stable encoding for {type(value).__name__}")


def _feed_items(digest: Any, kind: bytes, items: list[tuple[bytes, object]]) -> None:
    digest.update(kind + b"%d(" % len(items))
    for key, item in sorted(items, key=lambda pair: pair[0]):
        digest.update(key)
        if item is not None:
            _feed(digest, item)
    digest.update(b")")


def _encoded(value: object) -> bytes:
    """Return the encoding `_feed` gives `value` (to sort keys and set members by)."""
    inner = hashlib.sha256()
    _feed(inner, value)
    return inner.digest()


@lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    digest = hashlib.sha256()
    for folder in _CODE:
        for path in sorted(p for p in (_ROOT / folder).rglob("*")
                           if p.is_file() and "__pycache__" not in p.parts):
            where = path.relative_to(_ROOT).as_posix().encode("utf-8", "surrogateescape")
            digest.update(where + b"\x00" + path.read_bytes())
    # the regular expressions' idea of a word and NFKD come with Python's Unicode tables
    digest.update(f"{sys.version};{unicodedata.unidata_version};".encode())
    for name in _LIBRARIES:
        digest.update(f"{name}={library_version(name)};".encode())
    return digest.digest()
