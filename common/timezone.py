"""Kenya's time zone, and the UTC clock every stored timestamp comes from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NAIROBI_NAME = "Africa/Nairobi"
# East Africa Time has had no daylight saving since 1942, so a fixed offset is exact; it is
# only used where the tz database is missing (minimal containers without tzdata).
_FALLBACK_OFFSETS = {NAIROBI_NAME: timedelta(hours=3)}


def load_zone(name: str) -> tzinfo:
    """Return the time zone `name`, with a fixed-offset fallback for Nairobi."""
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        if name in _FALLBACK_OFFSETS:
            return timezone(_FALLBACK_OFFSETS[name], name)
        raise


NAIROBI: tzinfo = load_zone(NAIROBI_NAME)


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
