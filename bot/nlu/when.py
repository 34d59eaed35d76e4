"""Understand when something happened, in English or Swahili: "yesterday", "jana", "3 days ago"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.vocabulary import vocabulary
from common.timezone import NAIROBI

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "moja": 1, "mbili": 2, "tatu": 3, "nne": 4, "tano": 5, "sita": 6, "saba": 7}
# Days back for each meaning of the "when" group in knowledge/vocabulary.yaml.
_DAYS_AGO = {"today": 0, "yesterday": 1, "day_before_yesterday": 2, "last_week": 7,
             "last_month": 30}
_AGO = re.compile(r"\b(\d{1,2}|one|two|three|four|five|six|seven)\s+(days?|weeks?)\s+ago\b")
_SIKU = re.compile(r"\b(siku|wiki)\s+(\d{1,2}|moja|mbili|tatu|nne|tano|sita|saba)\s+"
                   r"(zilizopita|iliyopita|nyuma)\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")


@dataclass(frozen=True, slots=True)
class When:
    """A recognised time expression: the day (None if the citizen does not know)."""

    day: date | None
    text: str


def today(now: datetime | None = None) -> date:
    """Return today's date in Nairobi."""
    return (now or datetime.now(NAIROBI)).astimezone(NAIROBI).date()


def parse_when(text: str, now: datetime | None = None) -> When | None:
    """Return the day `text` refers to, When(None) for "I don't know", or None if unrecognised."""
    lowered = text.lower()
    base = today(now)
    words = vocabulary()
    if words.anywhere("unknown").matches(lowered):
        return When(None, text.strip())
    if (meaning := words.first_of(tuple(_DAYS_AGO), lowered)) is not None:
        return When(base - timedelta(days=_DAYS_AGO[meaning]), text.strip())
    if m := _AGO.search(lowered):
        return When(base - timedelta(days=_count(m.group(1)) * _unit(m.group(2))), text.strip())
    if m := _SIKU.search(lowered):
        return When(base - timedelta(days=_count(m.group(2)) * _unit(m.group(1))), text.strip())
    if m := _NUMERIC.search(lowered):
        return _numeric(m, base, text)
    return None


def _count(token: str) -> int:
    return int(token) if token.isdigit() else _WORDS[token]


def _unit(word: str) -> int:
    return 7 if word.startswith(("week", "wiki")) else 1


def _numeric(m: re.Match[str], base: date, text: str) -> When | None:
    """Read day/month[/year] as Kenyans write dates; refuse impossible or future dates."""
    day, month = int(m.group(1)), int(m.group(2))
    year = int(m.group(3)) if m.group(3) else base.year
    if year < 100:
        year += 2000
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if found > base:
        return None
    return When(found, text.strip())
