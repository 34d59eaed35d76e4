"""The backend's own words to citizens (SMS, receipts), from the catalogs the assistant uses.

`say(language, message)` translates through `locales/<language>/LC_MESSAGES/messages.po` (its
compiled .mo), so an editor reviews every text a citizen reads in one place; `make extract`
collects the messages (keyword `say:2`). Money and moments are written by `common.formats`,
exactly as the assistant writes them.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from common.catalogs import load_catalog

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@lru_cache(maxsize=8)
def _catalog(language: str) -> gettext.NullTranslations:
    return load_catalog(LOCALES_DIR, language)


def say(language: str, message: str, **values: object) -> str:
    """Translate `message` into `language` and fill its named placeholders."""
    text = _catalog(language).gettext(message)
    return text % values if values else text
