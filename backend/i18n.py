"""The backend's own words to citizens (SMS, receipts), from the catalogs the assistant uses.

`say(language, message)` translates through `locales/<language>/LC_MESSAGES/messages.mo`, so an
editor reviews every text a citizen reads in one place; `make extract` collects the messages
(keyword `say:2`). Money and moments are written exactly as the assistant writes them (a test
compares both); the patterns are repeated here because the backend never imports the bot.
"""

from __future__ import annotations

import gettext
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_datetime, get_timezone
from babel.numbers import format_currency

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
_BABEL_LOCALES = {"en": "en_KE", "sw": "sw_KE"}
_MONEY = {"en": "\u00a4\u00a4 #,##0", "sw": "'KSh' #,##0"}
_MOMENT = {"en": "d MMMM y, HH:mm", "sw": "d MMMM y, HH:mm"}
TIMEZONE = "Africa/Nairobi"


@lru_cache(maxsize=8)
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALES_DIR, languages=[language], fallback=True)


def say(language: str, message: str, **values: object) -> str:
    """Translate `message` into `language` and fill its named placeholders."""
    text = _catalog(language).gettext(message)
    return text % values if values else text


def money(amount: int | Decimal, language: str) -> str:
    """Write whole shillings the language's one way: KES 1,050 or KSh 1,050."""
    return format_currency(Decimal(amount), "KES", _MONEY.get(language, _MONEY["en"]),
                           locale=_locale(language), currency_digits=False)


def moment(when: datetime, language: str) -> str:
    """Write a moment in Nairobi time, 24-hour clock: 5 March 2026, 18:42."""
    pattern = _MOMENT.get(language, _MOMENT["en"])
    return format_datetime(when, pattern, tzinfo=get_timezone(TIMEZONE), locale=_locale(language))


def _locale(language: str) -> Locale:
    return Locale.parse(_BABEL_LOCALES.get(language, "en_KE"))
