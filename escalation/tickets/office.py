"""Office hours in Africa/Nairobi: open or not, when it opens next, office time arithmetic."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from common.timezone import load_zone
from escalation.config import WEEKDAYS, EscalationSettings

_SEARCH_DAYS = 400  # more than a year: a calendar that never opens is a configuration error


def easter_sunday(year: int) -> date:
    """Return Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


class OfficeCalendar:
    """Opening hours per weekday, minus public holidays, in one time zone."""

    def __init__(self, settings: EscalationSettings) -> None:
        self.zone = load_zone(settings.timezone)
        self._settings = settings
        self._hours: dict[int, tuple[int, int] | None] = {}
        for index, day in enumerate(WEEKDAYS):
            spec = settings.office_hours.get(day)
            self._hours[index] = None if not spec else (_minutes(spec[:5]), _minutes(spec[6:]))

    def holidays(self, year: int) -> frozenset[date]:
        """Return the year's closed days, Sunday holidays moved to the next free day."""
        return _holidays(
            year,
            self._settings.fixed_holidays,
            self._settings.easter_holidays,
            tuple(d for d in self._settings.extra_holidays if d.year == year),
        )

    def hours_on(self, day: date) -> tuple[datetime, datetime] | None:
        """Return the opening and closing instants of a local day, None when closed."""
        minutes = self._hours[day.weekday()]
        if minutes is None or day in self.holidays(day.year):
            return None
        midnight = datetime.combine(day, time.min, tzinfo=self.zone)
        return midnight + timedelta(minutes=minutes[0]), midnight + timedelta(minutes=minutes[1])

    def is_open(self, at: datetime) -> bool:
        """Tell whether the office is open at the instant `at`."""
        hours = self.hours_on(at.astimezone(self.zone).date())
        return hours is not None and hours[0] <= at < hours[1]

    def next_open(self, at: datetime) -> datetime:
        """Return `at` when open, else the next opening instant (UTC)."""
        for start, end in self._intervals_from(at):
            if start <= at < end:
                return at.astimezone(UTC)
            return start.astimezone(UTC)
        raise ValueError("the office calendar never opens")

    def add_office_time(self, start: datetime, duration: timedelta) -> datetime:
        """Return the instant when `duration` of opening time has passed after `start`."""
        remaining = duration
        for open_at, close_at in self._intervals_from(start):
            begin = max(open_at, start)
            available = close_at - begin
            if remaining <= available:
                return (begin + remaining).astimezone(UTC)
            remaining -= available
        raise ValueError("the office calendar never opens")

    def office_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Return how much opening time lies between two instants."""
        total = timedelta(0)
        if end <= start:
            return total
        for open_at, close_at in self._intervals_from(start):
            if open_at >= end:
                break
            total += min(close_at, end) - max(open_at, start)
        return total

    def _intervals_from(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield the opening intervals that end after `at`, in order."""
        day = at.astimezone(self.zone).date()
        for offset in range(_SEARCH_DAYS):
            hours = self.hours_on(day + timedelta(days=offset))
            if hours is not None and hours[1] > at:
                yield hours


@lru_cache(maxsize=64)
def _holidays(
    year: int, fixed: tuple[str, ...], easter: bool, extra: tuple[date, ...]
) -> frozenset[date]:
    days = {date(year, int(md[:2]), int(md[3:])) for md in fixed}
    # Public Holidays Act s.3: a holiday falling on a Sunday gives the next day off.
    for holiday in sorted(days):
        if holiday.weekday() == 6:
            substitute = holiday + timedelta(days=1)
            while substitute in days:
                substitute += timedelta(days=1)
            days.add(substitute)
    if easter:
        sunday = easter_sunday(year)
        days.update({sunday - timedelta(days=2), sunday + timedelta(days=1)})
    days.update(extra)
    return frozenset(days)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
