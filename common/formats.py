"""Money and moments written one way per language, everywhere a citizen reads them.

Whole shillings ("KES 3,050" / "KSh 3,050") and the 24-hour clock in Nairobi time ("5 March
2026, 18:42" / "5 Machi 2026, 18:42"): a Swahili "saa 6" would be read as Swahili time, six
hours off.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

from common.timezone import NAIROBI

CURRENCY = "KES"
# Kenyan regional forms of each language, so Babel writes shillings and dates as Kenyans do.
BABEL_LOCALES = {"en": "en_KE", "sw": "sw_KE"}
MONEY_PATTERNS = {"en": "\u00a4\u00a4 #,##0", "sw": "'KSh' #,##0"}  # KES 1,050 / KSh 1,050
MOMENT_PATTERNS = {"en": "d MMMM y, HH:mm", "sw": "d MMMM y, HH:mm"}  # 5 March 2026, 18:42
DAY_PATTERNS = {"en": "d MMMM y", "sw": "d MMMM y"}  # 5 March 2026 / 5 Machi 2026


def babel_locale(language: str) -> Locale:
    """Return the Kenyan Babel locale of `language` (English for an unknown one)."""
    return Locale.parse(BABEL_LOCALES.get(language, BABEL_LOCALES["en"]))


@lru_cache(maxsize=4096)  # the fees of the catalogue, in every FAQ answer that states one
def format_money(amount: int | Decimal, language: str) -> str:
    """Write whole shillings the language's one way: KES 1,050 or KSh 1,050."""
    pattern = MONEY_PATTERNS.get(language, MONEY_PATTERNS["en"])
    return format_currency(Decimal(amount), CURRENCY, pattern, locale=babel_locale(language),
                           currency_digits=False)


def format_moment(when: datetime, language: str) -> str:
    """Write a moment in Nairobi time, 24-hour clock: 5 March 2026, 18:42."""
    pattern = MOMENT_PATTERNS.get(language, MOMENT_PATTERNS["en"])
    return format_datetime(when, pattern, tzinfo=NAIROBI, locale=babel_locale(language))


@lru_cache(maxsize=4096)  # every FAQ answer names its review date: a few hundred days in all
def format_day(day: date, language: str) -> str:
    """Write a calendar date: 5 March 2026 / 5 Machi 2026."""
    pattern = DAY_PATTERNS.get(language, DAY_PATTERNS["en"])
    return format_date(day, pattern, locale=babel_locale(language))
