import os
import shutil
from pathlib import Path

from common.catalogs import load_catalog
from tests.conftest import REPO

PO = REPO / "locales" / "sw" / "LC_MESSAGES" / "messages.po"


def test_a_catalog_nobody_compiled_is_compiled_in_memory(tmp_path: Path) -> None:
    folder = tmp_path / "sw" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PO, folder / "messages.po")
    assert load_catalog(tmp_path, "sw").gettext("Total") != "Total"


def test_a_stale_compiled_catalog_loses_to_the_newer_po(tmp_path: Path) -> None:
    folder = tmp_path / "sw" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PO, folder / "messages.po")
    stale = folder / "messages.mo"
    stale.write_bytes(b"not a catalog")
    os.utime(stale, (1_000_000, 1_000_000))  # compiled long before the .po was edited
    assert load_catalog(tmp_path, "sw").gettext("Total") != "Total"


def test_a_missing_language_uses_the_source_strings(tmp_path: Path) -> None:
    assert load_catalog(tmp_path, "fr").gettext("Total") == "Total"
