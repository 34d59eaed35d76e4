"""Office hours in Africa/Nairobi: opening, holidays, next opening, office-time arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from escalation.config import EscalationSettings
from escalation.tickets.office import OfficeCalendar, easter_sunday

EAT = timezone(timedelta(hours=3))
CALENDAR = OfficeCalendar(EscalationSettings())


def eat(*args: int) -> datetime:
    return datetime(*args, tzinfo=EAT)  # type: ignore[misc]


@pytest.mark.parametrize(("at", "is_open"), [
    (eat(2025, 1, 6, 10, 0), True),        # Monday morning
    (eat(2025, 1, 6, 7, 59), False),       # before 08:00
    (eat(2025, 1, 6, 17, 0), False),       # closing time is exclusive
    (eat(2025, 1, 11, 12, 0), True),       # Saturday morning
    (eat(2025, 1, 11, 13, 0), False),      # Saturday afternoon
    (eat(2025, 1, 12, 10, 0), False),      # Sunday
    (eat(2025, 12, 12, 10, 0), False),     # Jamhuri Day (a Friday)
    (eat(2025, 1, 1, 10, 0), False),       # New Year's Day
    (eat(2025, 4, 18, 10, 0), False),      # Good Friday
    (eat(2025, 4, 21, 10, 0), False),      # Easter Monday
    (eat(2024, 10, 21, 10, 0), False),     # Mashujaa Day fell on Sunday 20th
    (eat(2022, 12, 27, 10, 0), False),     # Christmas on a Sunday; Boxing Day already off
    (eat(2022, 12, 28, 10, 0), True),
])
def test_office_is_open_follows_hours_and_holidays(at: datetime, is_open: bool) -> None:
    assert CALENDAR.is_open(at) is is_open


@pytest.mark.parametrize(("at", "opens"), [
    (eat(2025, 1, 6, 10, 0), eat(2025, 1, 6, 10, 0)),       # open: now
    (eat(2025, 1, 6, 6, 0), eat(2025, 1, 6, 8, 0)),         # early morning: today
    (eat(2025, 1, 10, 18, 0), eat(2025, 1, 11, 9, 0)),      # Friday night: Saturday 09:00
    (eat(2025, 1, 11, 13, 30), eat(2025, 1, 13, 8, 0)),     # Saturday afternoon: Monday
    (eat(2025, 4, 17, 18, 0), eat(2025, 4, 19, 9, 0)),      # before Good Friday
    (eat(2025, 4, 19, 14, 0), eat(2025, 4, 22, 8, 0)),      # Easter weekend
    (eat(2025, 12, 24, 18, 0), eat(2025, 12, 27, 9, 0)),    # Christmas, Boxing Day
])
def test_next_open_skips_nights_weekends_and_holidays(at: datetime, opens: datetime) -> None:
    result = CALENDAR.next_open(at)
    assert result == opens and result.tzinfo == UTC


@pytest.mark.parametrize(("start", "minutes", "due"), [
    (eat(2025, 1, 6, 10, 0), 240, eat(2025, 1, 6, 14, 0)),
    (eat(2025, 1, 10, 16, 30), 60, eat(2025, 1, 11, 9, 30)),     # Friday late: Saturday
    (eat(2025, 1, 11, 12, 0), 240, eat(2025, 1, 13, 11, 0)),     # 1 h Saturday + 3 h Monday
    (eat(2025, 1, 12, 3, 0), 15, eat(2025, 1, 13, 8, 15)),       # Sunday night
    (eat(2025, 1, 6, 17, 0), 0, eat(2025, 1, 7, 8, 0)),          # closing time
])
def test_add_office_time(start: datetime, minutes: int, due: datetime) -> None:
    assert CALENDAR.add_office_time(start, timedelta(minutes=minutes)) == due


def test_office_time_between_counts_only_opening_hours() -> None:
    friday_4pm, monday_9am = eat(2025, 1, 10, 16, 0), eat(2025, 1, 13, 9, 0)
    # Friday 1 h + Saturday 4 h + Monday 1 h
    assert CALENDAR.office_time_between(friday_4pm, monday_9am) == timedelta(hours=6)
    assert CALENDAR.office_time_between(monday_9am, friday_4pm) == timedelta(0)


def test_easter_dates() -> None:
    assert [easter_sunday(y) for y in (2024, 2025, 2026)] == [
        date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5)]


def test_configured_hours_and_extra_holidays() -> None:
    settings = EscalationSettings(
        office_hours={"mon": "09:00-12:00", "sat": None, "sun": "10:00-11:00"},
        extra_holidays=(date(2025, 3, 31),),  # Eid al-Fitr, as gazetted
        easter_holidays=False,
    )
    calendar = OfficeCalendar(settings)
    assert calendar.is_open(eat(2025, 1, 12, 10, 30))          # Sunday opening
    assert not calendar.is_open(eat(2025, 1, 7, 10, 0))        # Tuesday: not listed
    assert not calendar.is_open(eat(2025, 3, 31, 10, 0))       # extra holiday (a Monday)
    assert calendar.is_open(eat(2025, 4, 21, 10, 0))           # Easter Monday not off


@pytest.mark.parametrize("hours", [
    {"mon": "17:00-08:00"}, {"mon": "8-17"}, {"funday": "08:00-17:00"},
    {"mon": None, "tue": None, "wed": None, "thu": None, "fri": None, "sat": None, "sun": None},
])
def test_bad_office_hours_are_refused(hours: dict[str, str | None]) -> None:
    with pytest.raises(ValidationError):
        EscalationSettings(office_hours=hours)


def test_bad_fixed_holiday_refused() -> None:
    with pytest.raises(ValidationError):
        EscalationSettings(fixed_holidays=("13-01",))
