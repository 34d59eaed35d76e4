"""Load a language's gettext catalog from `locales/<language>/LC_MESSAGES/messages.mo`."""

from __future__ import annotations

import gettext
import io
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

DOMAIN = "messages"


def load_catalog(locales_dir: Path, language: str) -> gettext.NullTranslations:
    """Load the compiled catalog; compile the .po in memory when the .mo is missing or stale.

    A checkout where nobody ran `make catalogs` (or where an editor changed the .po since)
    must not fall back silently to English: the citizen would read the wrong language.
    """
    folder = locales_dir / language / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po.exists():
        logger.warning("Catalog %s is not compiled; compiling it in memory", po)
        # babel.messages (and difflib under it) costs 60 ms of every start: only here
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    logger.warning("No catalog for language %s in %s; using source strings", language,
                   locales_dir)
    return gettext.NullTranslations()
