"""Gettext catalogs per locale, with the one way to write money and Nairobi times (common)."""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from common.catalogs import load_catalog
from common.formats import format_day, format_moment, format_money


class LocaleTranslator:
    """Translate and format for one locale."""

    def __init__(self, locale: str, catalog: gettext.NullTranslations) -> None:
        self.locale = locale
        self._catalog = catalog

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
        return format_money(amount, self.locale)

    def datetime(self, moment: datetime) -> str:
        """Format a moment as a Nairobi date and 24-hour time."""
        return format_moment(moment, self.locale)

    def date(self, day: date) -> str:
        """Format a calendar date."""
        return format_day(day, self.locale)


def money(amount: Decimal | int, language: str) -> str:
    """Format whole shillings as `language` writes them: KES 1,050 or KSh 1,050."""
    return format_money(amount, language)


class Catalogs:
    """Every locale's catalog, loaded once from `locales/<lang>/LC_MESSAGES/messages.mo`."""

    def __init__(self, locales_dir: Path, locales: Sequence[str] = ("en", "sw")) -> None:
        self.locales = tuple(locales)
        self._default = self.locales[0]
        self._translators = {
            lang: LocaleTranslator(lang, load_catalog(locales_dir, lang)) for lang in self.locales
        }

    def for_locale(self, locale: str) -> LocaleTranslator:
        """Return the translator for `locale`, or the default one for an unknown locale."""
        return self._translators.get(locale) or self._translators[self._default]
