"""Load the public intent benchmarks in ../shared/benchmarks as train/validation/test splits."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

OOS = "out_of_scope"
_OOS_NAMES = frozenset({"oos", OOS})

DEFAULT_BENCHMARKS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled utterance; `label` is OOS for out-of-scope, `group` names its OOS kind."""

    text: str
    label: str
    language: str | None = None
    group: str | None = None

    @property
    def is_oos(self) -> bool:
        """Return whether the utterance is out of scope."""
        return self.label == OOS


@dataclass(frozen=True, slots=True)
class Dataset:
    """Splits of one benchmark; `folds` > 0 means evaluate by k-fold over `test` alone."""

    name: str
    train: tuple[Example, ...]
    validation: tuple[Example, ...]
    test: tuple[Example, ...]
    folds: int = 0
    notes: str = ""
    sources: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_oos(self) -> bool:
        """Return whether any split holds out-of-scope examples."""
        return any(e.is_oos for split in (self.train, self.validation, self.test) for e in split)


def _label(raw: str) -> str:
    raw = raw.strip()
    return OOS if raw in _OOS_NAMES else raw


def _examples(
    pairs: Iterable[tuple[str, str]], language: str | None, group: str | None = None
) -> tuple[Example, ...]:
    out = []
    for text, label in pairs:
        lab = _label(label)
        out.append(Example(text.strip(), lab, language, group if lab == OOS else None))
    return tuple(out)


def read_seq_dir(folder: Path, language: str | None = "en", group: str | None = None
                 ) -> tuple[Example, ...]:
    """Read a folder of line-aligned `seq.in` / `label` files."""
    texts = (folder / "seq.in").read_text(encoding="utf-8").splitlines()
    labels = (folder / "label").read_text(encoding="utf-8").splitlines()
    if len(texts) != len(labels):
        raise ValueError(f"{folder}: {len(texts)} utterances but {len(labels)} labels")
    return _examples(zip(texts, labels, strict=True), language, group)


def read_jsonl(path: Path, text_key: str, label_key: str, language: str | None = None
               ) -> tuple[Example, ...]:
    """Read JSON lines, taking the text and label from the given keys."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            rows.append((str(record[text_key]), str(record[label_key])))
    return _examples(rows, language)


def load_clinc150(root: Path) -> Dataset:
    """Load CLINC150 `data_full.json` with its oos_* lists as OOS examples."""
    data = json.loads((root / "clinc150" / "data_full.json").read_text(encoding="utf-8"))

    def split(name: str) -> tuple[Example, ...]:
        return _examples(data[name], "en") + _examples(data[f"oos_{name}"], "en", "oos")

    return Dataset("clinc150", split("train"), split("val"), split("test"),
                   notes="data_full.json; in-scope accuracy over 150 intents, recall on oos_test")


def load_banking77(root: Path) -> Dataset:
    """Load BANKING77 (train.csv / test.csv; no validation split)."""
    def read(name: str) -> tuple[Example, ...]:
        with (root / "banking77" / name).open(encoding="utf-8", newline="") as handle:
            return _examples(((r["text"], r["category"]) for r in csv.DictReader(handle)), "en")

    return Dataset("banking77", read("train.csv"), (), read("test.csv"))


def load_banking77_oos(root: Path) -> Dataset:
    """Load BANKING77-OOS: 50 intents, in-domain OOS (id-oos) and out-of-domain OOS (ood-oos)."""
    base = root / "banking77-oos"
    return Dataset(
        "banking77-oos",
        read_seq_dir(base / "train") + read_seq_dir(base / "id-oos" / "train", group="id-oos"),
        read_seq_dir(base / "valid") + read_seq_dir(base / "id-oos" / "valid", group="id-oos")
        + read_seq_dir(base / "ood-oos" / "valid", group="ood-oos"),
        read_seq_dir(base / "test") + read_seq_dir(base / "id-oos" / "test", group="id-oos")
        + read_seq_dir(base / "ood-oos" / "test", group="ood-oos"),
        notes="train includes the id-oos/train queries as OOS examples",
    )


def _load_single_domain(root: Path, domain: str) -> Dataset:
    base = root / "clinc-single-domain-oos" / domain

    def split(name: str) -> tuple[Example, ...]:
        out = read_seq_dir(base / name)
        for kind in ("id-oos", "ood-oos"):
            if (base / kind / name).is_dir():
                out += read_seq_dir(base / kind / name, group=kind)
        return out

    return Dataset(f"clinc-{domain}", split("train"), split("valid"), split("test"))


def load_clinc_banking(root: Path) -> Dataset:
    """Load the CLINC single-domain OOS `banking` sub-dataset."""
    return _load_single_domain(root, "banking")


def load_clinc_credit_cards(root: Path) -> Dataset:
    """Load the CLINC single-domain OOS `credit_cards` sub-dataset."""
    return _load_single_domain(root, "credit_cards")


def load_hwu64(root: Path) -> Dataset:
    """Load HWU64 with its standard 8954/1076/1076 split."""
    base = root / "hwu64"
    return Dataset("hwu64", read_seq_dir(base / "train"), read_seq_dir(base / "valid"),
                   read_seq_dir(base / "test"))


def load_hwu64_10shot(root: Path) -> Dataset:
    """Load HWU64 with its 10-examples-per-intent training split (FAQ-sized data)."""
    base = root / "hwu64"
    return Dataset("hwu64-10shot", read_seq_dir(base / "train_10"), read_seq_dir(base / "valid"),
                   read_seq_dir(base / "test"), notes="train_10: 10 examples per intent")


def _load_massive(root: Path, locale: str, train_file: str) -> Dataset:
    base = root / "massive"
    lang = locale.split("-")[0]
    return Dataset(
        f"massive-{locale}",
        read_jsonl(base / train_file, "utt", "intent", lang),
        read_jsonl(base / f"{locale}_dev.jsonl", "utt", "intent", lang),
        read_jsonl(base / f"{locale}_test.jsonl", "utt", "intent", lang),
    )


def load_massive_en(root: Path) -> Dataset:
    """Load MASSIVE en-US (train / dev / test)."""
    return _load_massive(root, "en-US", "en-US_train.jsonl")


def load_massive_sw(root: Path) -> Dataset:
    """Load MASSIVE sw-KE (reconstructed train / dev / test)."""
    return _load_massive(root, "sw-KE", "sw-KE_train.reconstructed.jsonl")


def load_injongo_sw(root: Path) -> Dataset:
    """Load INJONGO Swahili: a test set only, evaluated by 5-fold cross-validation within it."""
    test = read_jsonl(root / "injongo" / "swa" / "test.jsonl", "text", "intent", "sw")
    return Dataset("injongo-sw", (), (), test, folds=5,
                   notes="test split only: stratified 5-fold within it")


LOADERS: dict[str, Callable[[Path], Dataset]] = {
    "clinc150": load_clinc150,
    "banking77": load_banking77,
    "banking77-oos": load_banking77_oos,
    "clinc-banking": load_clinc_banking,
    "clinc-credit_cards": load_clinc_credit_cards,
    "hwu64": load_hwu64,
    "hwu64-10shot": load_hwu64_10shot,
    "massive-en-US": load_massive_en,
    "massive-sw-KE": load_massive_sw,
    "injongo-sw": load_injongo_sw,
}


def load(name: str, root: Path | None = None) -> Dataset:
    """Load the benchmark called `name` from `root` (default: ../shared/benchmarks)."""
    try:
        loader = LOADERS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(LOADERS)}") from None
    return loader(root or DEFAULT_BENCHMARKS_DIR)


def load_expectations(path: Path) -> tuple[Example, ...]:
    """Read a JSONL file of `{"text", "expected", "lang"?}` cases (`out_of_scope` means OOS)."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if "text" not in record or "expected" not in record:
            raise ValueError(f"{path}:{number}: needs 'text' and 'expected'")
        language = record.get("lang") or record.get("language")
        lab = _label(str(record["expected"]))
        cases.append(Example(str(record["text"]), lab, language, "oos" if lab == OOS else None))
    return tuple(cases)
