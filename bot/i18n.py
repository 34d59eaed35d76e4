"""Gettext catalogs per locale, with Babel formats for money and Nairobi times."""

from __future__ import annotations

import gettext
import io
import logging
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_timezone
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency

logger = logging.getLogger(__name__)

DOMAIN = "messages"
TIMEZONE = "Africa/Nairobi"
CURRENCY = "KES"
# Kenyan regional forms of each language, so Babel formats shillings and dates as Kenyans do.
_BABEL_LOCALES = {"en": "en_KE", "sw": "sw_KE"}


class LocaleTranslator:
    """Translate and format for one locale."""

    def __init__(self, locale: str, catalog: gettext.NullTranslations) -> None:
        self.locale = locale
        self._catalog = catalog
        self._babel = Locale.parse(_BABEL_LOCALES.get(locale, locale))

    def gettext(self, message: str) -> str:
        """Translate `message`."""
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a message whose form depends on `n`."""
        return self._catalog.ngettext(singular, plural, n)

    def money(self, amount: Decimal | int) -> str:
        """Format an amount in Kenya shillings for the locale."""
        return format_currency(Decimal(amount), CURRENCY, locale=self._babel)

    def datetime(self, moment: datetime) -> str:
        """Format a moment as a Nairobi date and time."""
        day = format_skeleton("yMMMd", moment, tzinfo=self._tz, locale=self._babel)
        return f"{day} {format_time(moment, 'HH:mm', tzinfo=self._tz, locale=self._babel)}"

    def date(self, day: date) -> str:
        """Format a calendar date."""
        return format_date(day, "long", locale=self._babel)

    @cached_property
    def _tz(self) -> tzinfo:
        return get_timezone(TIMEZONE)


class Catalogs:
    """Every locale's catalog, loaded once from `locales/<lang>/LC_MESSAGES/messages.mo`."""

    def __init__(self, locales_dir: Path, locales: Sequence[str] = ("en", "sw")) -> None:
        self.locales = tuple(locales)
        self._default = self.locales[0]
        self._translators = {
            lang: LocaleTranslator(lang, _load_catalog(locales_dir, lang)) for lang in self.locales
        }

    def for_locale(self, locale: str) -> LocaleTranslator:
        """Return the translator for `locale`, or the default one for an unknown locale."""
        return self._translators.get(locale) or self._translators[self._default]


def _load_catalog(locales_dir: Path, lang: str) -> gettext.NullTranslations:
    """Load the compiled catalog; compile the .po in memory when the .mo is missing or stale."""
    folder = locales_dir / lang / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po.exists():
        logger.warning("Catalog %s is not compiled; compiling it in memory", po)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    logger.warning("No catalog for locale %s in %s; using source strings", lang, locales_dir)
    return gettext.NullTranslations()
