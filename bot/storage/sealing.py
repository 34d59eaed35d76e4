"""Session state sealed at rest: what a conversation holds (its sign-in) is encrypted.

The assistant must present a citizen's token to the backend, so the token cannot be stored as
a hash; it is encrypted instead, with Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`.
Several keys may be configured, newest first: state is sealed with the first and opened with
any, so a key can be rotated without losing sessions.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

SEALED = "sealed"
KEY_FILE = "secrets.key"


class SealingError(RuntimeError):
    """Stored state could not be opened with any configured key."""


def _fernet(key: str) -> Fernet:
    """Use a Fernet key as given, or derive one from any other secret text."""
    try:
        return Fernet(key.encode())
    except ValueError:
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


class Sealer:
    """Seals and opens conversation state."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernet = MultiFernet([_fernet(k) for k in keys])

    def seal(self, record: dict[str, Any]) -> dict[str, Any]:
        """Return the record encrypted, as the JSON the state column holds."""
        text = json.dumps(record, separators=(",", ":"), default=str)
        return {SEALED: self._fernet.encrypt(text.encode()).decode()}

    def seal_text(self, text: str) -> str:
        """Return one secret text encrypted."""
        return self._fernet.encrypt(text.encode()).decode()

    def open_text(self, sealed: str) -> str:
        """Return a text `seal_text` encrypted."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise SealingError("text sealed with an unknown key") from exc

    def open(self, stored: dict[str, Any] | None) -> dict[str, Any]:
        """Return the record from the state column (plain rows from older versions pass)."""
        if not stored:
            return {}
        if SEALED not in stored:
            return dict(stored)
        try:
            return dict(json.loads(self._fernet.decrypt(str(stored[SEALED]).encode())))
        except InvalidToken as exc:
            raise SealingError("session state sealed with an unknown key") from exc


def development_key(data_dir: Path) -> str:
    """Return this installation's own key, made once in the data folder (owner-only file)."""
    path = data_dir / KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made before, or by another worker right now
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode())
    for _ in range(100):  # another worker may be writing it this very moment
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise SealingError(f"{path} is empty")
