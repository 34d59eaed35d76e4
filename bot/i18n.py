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
from babel.dates import format_date, format_datetime, get_timezone
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency

logger = logging.getLogger(__name__)

DOMAIN = "messages"
TIMEZONE = "Africa/Nairobi"
CURRENCY = "KES"
# Kenyan regional forms of each language, so Babel formats shillings and dates as Kenyans do.
_BABEL_LOCALES = {"en": "en_KE", "sw": "sw_KE"}
# One way to write money and one way to write a moment per language, everywhere a citizen
# reads them (chat, receipts, SMS): whole shillings, and the 24-hour clock in Nairobi time
# (a Swahili "saa 6" would be read as Swahili time, six hours off).
MONEY_PATTERNS = {"en": "\u00a4\u00a4 #,##0", "sw": "'KSh' #,##0"}  # KES 1,050 / KSh 1,050
MOMENT_PATTERNS = {"en": "d MMMM y, HH:mm", "sw": "d MMMM y, HH:mm"}  # 5 March 2026, 18:42
DAY_PATTERNS = {"en": "d MMMM y", "sw": "d MMMM y"}  # 5 March 2026 / 5 Machi 2026


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

    def pgettext(self, context: str, message: str) -> str:
        """Translate `message` in `context` (one English word, several Swahili ones)."""
        return self._catalog.pgettext(context, message)

    def money(self, amount: Decimal | int) -> str:
        """Format an amount in whole Kenya shillings the locale's one way."""
        return money(amount, self.locale)

    def datetime(self, moment: datetime) -> str:
        """Format a moment as a Nairobi date and 24-hour time."""
        return format_datetime(moment, self._pattern(MOMENT_PATTERNS), tzinfo=self._tz,
                               locale=self._babel)

    def date(self, day: date) -> str:
        """Format a calendar date."""
        return format_date(day, self._pattern(DAY_PATTERNS), locale=self._babel)

    def _pattern(self, patterns: dict[str, str]) -> str:
        return patterns.get(self.locale, patterns["en"])

    @cached_property
    def _tz(self) -> tzinfo:
        return get_timezone(TIMEZONE)


def money(amount: Decimal | int, language: str) -> str:
    """Format whole shillings as `language` writes them: KES 1,050 or KSh 1,050."""
    locale = Locale.parse(_BABEL_LOCALES.get(language, "en_KE"))
    pattern = MONEY_PATTERNS.get(language, MONEY_PATTERNS["en"])
    return format_currency(Decimal(amount), CURRENCY, pattern, locale=locale,
                           currency_digits=False)


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
