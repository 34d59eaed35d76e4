"""Fitted models are stored once per version, loaded by other workers, and only if signed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.nlu.model import IntentModel
from bot.nlu.model_store import ModelStore

TEXTS = ["how much is a passport", "passport fee", "renew my passport", "lost my id card",
         "replace a lost national id", "id card lost", "pay with mpesa", "mpesa paybill number",
         "can i pay by m-pesa"]
LABELS = ["passport"] * 3 + ["national-id"] * 3 + ["mpesa"] * 3
KEY = b"k" * 32


class CountingModel(IntentModel):
    """An intent model that counts its fits."""

    fits = 0

    def fit(self, *args: object, **kwargs: object) -> CountingModel:  # type: ignore[override]
        CountingModel.fits += 1
        return super().fit(*args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _count_from_zero() -> None:
    CountingModel.fits = 0


def test_the_second_worker_loads_what_the_first_fitted(tmp_path: Path) -> None:
    first = ModelStore(tmp_path, KEY).fitted(CountingModel(), TEXTS, LABELS)
    second = ModelStore(tmp_path, KEY).fitted(CountingModel(), TEXTS, LABELS)
    assert CountingModel.fits == 1
    for text in ("passport cost", "nimepoteza id", "lipa na mpesa"):
        assert first.rank(text) == second.rank(text)
    assert len(list(tmp_path.glob("*.model"))) == 1


def test_changed_examples_are_a_new_version(tmp_path: Path) -> None:
    store = ModelStore(tmp_path, KEY)
    store.fitted(CountingModel(), TEXTS, LABELS)
    store.fitted(CountingModel(), [*TEXTS, "visa for kenya"], [*LABELS, "visa"])
    assert CountingModel.fits == 2 and len(list(tmp_path.glob("*.model"))) == 2


@pytest.mark.parametrize("forge", ["tampered", "other key"])
def test_a_file_this_installation_did_not_sign_is_never_loaded(tmp_path: Path,
                                                               forge: str) -> None:
    ModelStore(tmp_path, b"x" * 32 if forge == "other key" else KEY).fitted(
        CountingModel(), TEXTS, LABELS)
    [stored] = tmp_path.glob("*.model")
    if forge == "tampered":
        blob = bytearray(stored.read_bytes())
        blob[-1] ^= 1
        stored.write_bytes(bytes(blob))
    model = ModelStore(tmp_path, KEY).fitted(CountingModel(), TEXTS, LABELS)
    assert CountingModel.fits == 2  # fitted again rather than loaded
    assert model.rank("passport fee")[0].label == "passport"


def test_workers_starting_together_fit_once(tmp_path: Path) -> None:
    results: list[IntentModel] = []
    threads = [threading.Thread(target=lambda: results.append(
        ModelStore(tmp_path, KEY).fitted(CountingModel(), TEXTS, LABELS))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3 and CountingModel.fits == 1


def test_a_quick_hot_reload_fit_is_not_stored(tmp_path: Path) -> None:
    full = ModelStore(tmp_path, KEY).fitted(CountingModel(), TEXTS, LABELS)
    ModelStore(tmp_path, KEY).fitted(CountingModel(), [*TEXTS, "visa"], [*LABELS, "visa"],
                                     previous=full)
    assert len(list(tmp_path.glob("*.model"))) == 1


def test_an_older_signed_model_copied_over_the_current_name_is_refused(tmp_path: Path) -> None:
    store = ModelStore(tmp_path, KEY)
    store.fitted(CountingModel(), TEXTS, LABELS)
    [old] = tmp_path.glob("*.model")
    store.fitted(CountingModel(), [*TEXTS, "visa for kenya"], [*LABELS, "visa"])
    [new] = [p for p in tmp_path.glob("*.model") if p != old]
    new.write_bytes(old.read_bytes())  # validly signed, but for other examples
    model = ModelStore(tmp_path, KEY).fitted(CountingModel(), [*TEXTS, "visa for kenya"],
                                             [*LABELS, "visa"])
    assert CountingModel.fits == 3 and "visa" in model.labels


def test_an_unusable_folder_only_costs_a_fit_here(tmp_path: Path) -> None:
    blocked = tmp_path / "models"
    blocked.write_text("a file where the folder should be")  # mkdir and the lock both fail
    model = ModelStore(blocked, KEY).fitted(CountingModel(), TEXTS, LABELS)
    assert CountingModel.fits == 1 and model.rank("passport fee")[0].label == "passport"
    assert not list(tmp_path.glob("*.part"))
