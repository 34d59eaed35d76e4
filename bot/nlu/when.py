"""Understand when something happened, in English or Swahili: "yesterday", "jana", "3 days ago"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

NAIROBI = ZoneInfo("Africa/Nairobi")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "moja": 1, "mbili": 2, "tatu": 3, "nne": 4, "tano": 5, "sita": 6, "saba": 7}
_RELATIVE: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\b(day before yesterday|juzi)\b"), 2),
    (re.compile(r"\b(today|this morning|this afternoon|this evening|tonight|leo|asubuhi|"
                r"mchana|jioni|usiku wa leo|sasa hivi|just now|right now)\b"), 0),
    (re.compile(r"\b(yesterday|last night|jana|usiku wa jana)\b"), 1),
    (re.compile(r"\b(last week|wiki iliyopita|wiki jana)\b"), 7),
    (re.compile(r"\b(last month|mwezi uliopita|mwezi jana)\b"), 30),
)
_AGO = re.compile(r"\b(\d{1,2}|one|two|three|four|five|six|seven)\s+(days?|weeks?)\s+ago\b")
_SIKU = re.compile(r"\b(siku|wiki)\s+(\d{1,2}|moja|mbili|tatu|nne|tano|sita|saba)\s+"
                   r"(zilizopita|iliyopita|nyuma)\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")
_UNKNOWN = re.compile(r"\b(i don'?t know|not sure|no idea|sijui|sina uhakika|sikumbuki|"
                      r"can'?t remember)\b")


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
    if _UNKNOWN.search(lowered):
        return When(None, text.strip())
    for pattern, days in _RELATIVE:
        if pattern.search(lowered):
            return When(base - timedelta(days=days), text.strip())
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
