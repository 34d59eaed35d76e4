"""The words the backend and escalation say to citizens (SMS, receipts, canned replies).

`say(language, message)` translates through `locales/<language>/LC_MESSAGES/messages.po` (its
compiled .mo, or the .po compiled in memory), the catalogs the assistant uses, so an editor
reviews every text a citizen reads in one place; `make extract` collects them (keywords
`say:2`, `N_` and `NC_:1c,2`). Money and moments are written by `common.formats`, exactly as
the assistant writes them.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from common.catalogs import load_catalog

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"


def N_(message: str) -> str:
    """Mark `message` for extraction where it is defined; translate it later with `say`."""
    return message


def NC_(context: str, message: str) -> tuple[str, str]:
    """Mark `message` with its `context` for extraction; translate it later with `say_in`."""
    return context, message


@lru_cache(maxsize=8)
def _catalog(language: str) -> gettext.NullTranslations:
    return load_catalog(LOCALES_DIR, language)


def say(language: str, message: str, **values: object) -> str:
    """Translate `message` into `language` and fill its named placeholders."""
    text = _catalog(language).gettext(message)
    return text % values if values else text


def say_in(language: str, marked: tuple[str, str]) -> str:
    """Translate a message marked with `NC_` (one English word, several Swahili ones)."""
    context, message = marked
    return _catalog(language).pgettext(context, message)
