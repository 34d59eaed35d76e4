"""Translation catalogs: complete, not fuzzy, placeholders intact, in step with the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from tests.conftest import REPO

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{\w*\}")


def load(language: str) -> Catalog:
    with (REPO / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def messages(catalog: Catalog) -> list[tuple[str, str]]:
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend(zip(ids * len(strings), strings, strict=False))
    return pairs


@pytest.mark.parametrize("language", ["en", "sw"])
def test_catalog_has_no_missing_or_fuzzy_entries(language: str) -> None:
    catalog = load(language)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    missing = [msgid for msgid, msgstr in messages(catalog) if not msgstr.strip()]
    assert fuzzy == [] and missing == []


@pytest.mark.parametrize("language", ["en", "sw"])
def test_catalog_placeholders_match(language: str) -> None:
    wrong = [
        (msgid, msgstr) for msgid, msgstr in messages(load(language))
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr))
    ]
    assert wrong == []


def test_swahili_is_actually_translated() -> None:
    same = [msgid for msgid, msgstr in messages(load("sw")) if msgid == msgstr and len(msgid) > 25]
    assert same == []


def test_template_is_in_step_with_the_code(tmp_path: Path) -> None:
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_", "-k", "gettext", "-k", "ngettext:1,2", "-k", "N_", "-k", "pgettext:1c,2",
         "-k", "NC_:1c,2", "-k", "say:2", "--no-location", "-o", str(out), "."],
        cwd=REPO, check=True, capture_output=True,
    )
    with out.open("rb") as handle:
        fresh = {key(m) for m in read_po(handle) if m.id}
    known = {key(m) for m in load("sw") if m.id}
    assert fresh - known == set(), "run `make extract` and translate the new strings"


def key(message: Message) -> tuple[str | None, str]:
    """Return a message's (context, msgid): one English word may have several translations."""
    return message.context, message.id if isinstance(message.id, str) else message.id[0]


def test_makefile_extracts_with_the_same_keywords() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for keyword in ("pgettext:1c,2", "NC_:1c,2", "say:2"):
        assert f"-k {keyword}" in makefile



QUOTED = re.compile(r"\"([^\"]+)\"")


def command_wordings() -> dict[str, list[set[str]]]:
    """Map each quoted English text in the catalog to the quoted Swahili of each message."""
    wordings: dict[str, list[set[str]]] = {}
    for msgid, msgstr in messages(load("sw")):
        said = set(QUOTED.findall(msgstr))
        for command in QUOTED.findall(msgid):
            if not PLACEHOLDER.search(command):
                wordings.setdefault(command.lower(), []).append(said)
    return wordings


def test_a_command_the_citizen_is_told_to_write_has_one_swahili_wording() -> None:
    # "Write "log out"" in one message and "write "ondoka"" in another would teach two words
    # for one command: every message quoting the same English words quotes one Swahili wording
    split = {command: sets for command, sets in command_wordings().items()
             if len(sets) > 1 and not set.intersection(*sets)}
    assert split == {}
