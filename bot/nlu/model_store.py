"""Fitted models kept on disk, one per knowledge version, so workers load instead of fitting.

Every worker used to fit the same model at start-up and after every edit (2-3 s of CPU at
today's size, minutes at thousands of articles). Now the first worker to need a version fits
it under a file lock and writes it; the others load the file (waiting for the lock only while
it is being fitted).

A model file is a pickle, and unpickling runs code: each file carries an HMAC of its name and
bytes under a key derived from the installation's sealing key, and a file whose HMAC does not
match is ignored (and refitted over), so a file dropped into the folder by someone else, or an
older version copied over a newer name, is never loaded.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import importlib.metadata
import logging
import os
import pickle
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from bot.nlu.model import IntentModel

logger = logging.getLogger(__name__)

_MAC = hashlib.sha256().digest_size
_KEEP = 3  # versions kept: the live one, and two an older worker may still ask for
# What else decides the fitted numbers: the code of bot/nlu and the libraries it fits with.
_CODE = Path(__file__).parent  # every module of bot/nlu: the stemmer shapes the vocabulary
_ABANDONED = 3600.0  # seconds after which a half-written file is a dead worker's
_LIBRARIES = ("scikit-learn", "numpy", "scipy", "rapidfuzz", "PyStemmer")
MAX_STORED_BYTES = 4 << 30  # the model of 10,000 articles is a few hundred MB
T = TypeVar("T")
_DERIVED = ".derived"  # state derived from a knowledge version: coverage, services elsewhere


class ModelStore:
    """A folder of signed, fitted models named by a digest of everything that shaped them."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self._folder = folder
        self._key = key
        self._code = _code_fingerprint()

    def fitted(self, model: IntentModel, texts: Sequence[str], labels: Sequence[str],
               *, previous: IntentModel | None = None,
               stop: Callable[[], bool] | None = None) -> IntentModel:
        """Return `model` fitted on the examples: loaded when stored, else fitted and stored.

        The folder is a shortcut, never a dependency: when it cannot be read, locked or
        written (read-only, full, permissions), the model is fitted here and the worker starts.
        """
        if previous is not None:  # a provisional hot-reload fit: quick, and soon replaced
            return model.fit(texts, labels, previous=previous)
        name = self._digest(model, texts, labels)
        path = self._folder / f"{name}.model"
        expected = sorted(set(labels))
        # files appear whole (os.replace): workers load without queueing for the lock
        if (loaded := self._load(path, model, expected)) is not None:
            return loaded
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            with _exclusive(self._folder / ".lock"):
                if (loaded := self._load(path, model, expected)) is not None:
                    return loaded  # fitted by another worker while this one waited
                model.fit(texts, labels, stop=stop)
                self._save(path, model)
                self._prune(keep=path)
        except OSError as exc:
            logger.warning("Model folder %s unusable (%s): fitting in this worker only",
                           self._folder, type(exc).__name__)
            if not model.labels:
                model.fit(texts, labels, stop=stop)
        return model

    def _digest(self, model: IntentModel, texts: Sequence[str], labels: Sequence[str]) -> str:
        digest = hashlib.sha256(self._code)
        digest.update(repr(model.settings()).encode())
        for text, label in zip(texts, labels, strict=True):
            # normalised as the model will see them: a lexicon change changes the model
            digest.update(f"{label}\x1f{model.normalised(text)}\x1e".encode())
        return digest.hexdigest()[:32]

    def name(self, model: IntentModel, texts: Sequence[str], labels: Sequence[str]) -> str:
        """Return the name `fitted` stores the model under for these examples."""
        return self._digest(model, texts, labels)

    def named(self, name: str, model: IntentModel, labels: Sequence[str]) -> IntentModel | None:
        """Return `model` with the stored fit called `name`, or None when there is none."""
        return self._load(self._folder / f"{name}.model", model, sorted(set(labels)))

    def derived(self, name: str) -> dict[str, Any] | None:
        """Return the state derived from a knowledge version kept under `name`, if any."""
        state = self._read(self._folder / f"{name}{_DERIVED}")
        return state if isinstance(state, dict) else None

    def keep_derived(self, name: str, state: dict[str, Any]) -> None:
        """Keep state derived from a knowledge version (best effort: start-ups only go faster)."""
        path = self._folder / f"{name}{_DERIVED}"
        try:
            body = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:  # a bug, not an outage
            logger.error("Derived state not kept: it cannot be pickled (%s)", exc)
            return
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            self._write(path, body)
            self._prune(keep=path)
        except OSError as exc:
            logger.warning("Model folder %s unusable (%s): derived state not kept",
                           self._folder, type(exc).__name__)

    def _read(self, path: Path) -> Any:
        """Return the unpickled body of a file this installation signed, else None."""
        try:
            blob = _regular_file_bytes(path)
        except OSError:  # not there yet, not readable, or no regular file: build instead
            return None
        mac, body = blob[:_MAC], blob[_MAC:]
        # the name (and kind) is signed too: an older signed file copied over this name, or a
        # model file renamed to a derived one, is refused
        if not hmac.compare_digest(mac, self._sign(path.name, body)):
            logger.warning("Ignoring model file %s: not signed by this installation", path.name)
            return None
        try:
            return pickle.loads(body)  # noqa: S301 - signed by this installation's key
        except Exception:  # written by another library version: fit again
            logger.warning("Ignoring model file %s: unreadable", path.name)
            return None

    def _load(self, path: Path, model: IntentModel,
              expected: list[str]) -> IntentModel | None:
        state = self._read(path)
        if not isinstance(state, dict):
            return None
        restored = model.restored(state)
        if list(restored.labels) != expected:
            logger.warning("Ignoring model file %s: other labels", path.name)
            return None
        logger.info("Intent model loaded from %s", path.name)
        return restored

    def _save(self, path: Path, model: IntentModel) -> None:
        self._write(path, pickle.dumps(model.state(), protocol=pickle.HIGHEST_PROTOCOL))

    def _write(self, path: Path, body: bytes) -> None:
        # a fresh, exclusively created temporary file: never a planted symlink, never shared
        handle, partial = tempfile.mkstemp(dir=self._folder, prefix=f"{path.stem}.",
                                           suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(self._sign(path.name, body) + body)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)  # readers see the whole file or none of it
        finally:
            Path(partial).unlink(missing_ok=True)

    def _prune(self, keep: Path) -> None:
        stored = sorted(self._folder.glob(f"*{keep.suffix}"), key=_modified)
        for old in [p for p in stored if p != keep][: max(0, len(stored) - _KEEP)]:
            old.unlink(missing_ok=True)
        for left in self._folder.glob("*.part"):  # a worker that died while writing
            if time.time() - _modified(left) > _ABANDONED:
                left.unlink(missing_ok=True)

    def _sign(self, name: str, body: bytes) -> bytes:
        signer = hmac.new(self._key, name.encode() + b"\x00", hashlib.sha256)
        signer.update(body)
        return signer.digest()


def kept_state(derived: object, rebuilt: Iterable[str]) -> dict[str, Any]:
    """Return an object's attributes to keep beside its model, but those rebuilt on restoring."""
    return {k: v for k, v in vars(derived).items() if k not in rebuilt}


def restored_from(cls: type[T], state: dict[str, Any], **rebuilt: Any) -> T:
    """Return an instance of `cls` with the kept `state` and the `rebuilt` attributes."""
    derived = cls.__new__(cls)
    vars(derived).update(state)
    vars(derived).update(rebuilt)
    return derived


def _regular_file_bytes(path: Path) -> bytes:
    """Return a regular file's bytes; a FIFO, device, symlink or oversized file raises OSError.

    Anyone who can write to the folder could otherwise plant a FIFO (every start hangs) or a
    huge sparse file (memory runs out) under a stored name, before any signature is checked.
    """
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    with os.fdopen(handle, "rb") as stored:
        found = os.fstat(stored.fileno())
        if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_STORED_BYTES:
            raise OSError(f"{path.name}: not a regular file of at most {MAX_STORED_BYTES} bytes")
        return stored.read()


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another worker
        return 0.0


def _code_fingerprint() -> bytes:
    """Return a digest of the model's code and the versions of the libraries it fits with."""
    digest = hashlib.sha256()
    for module in sorted(_CODE.glob("*.py")):
        digest.update(module.name.encode() + b"\x00" + module.read_bytes())
    for name in _LIBRARIES:
        digest.update(f"{name}={library_version(name)};".encode())
    return digest.digest()


def library_version(name: str) -> str:
    """Return an installed distribution's version, or "?" when it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock` (one fitter per version; the others wait, then load)."""
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
