"""Settings of human escalation, read from `MSAIDIZI_ESCALATION_*` environment variables."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.timezone import NAIROBI_NAME

_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Kenya's public holidays on fixed dates (Public Holidays Act, Cap. 110, as amended in 2024:
# 10 October is Mazingira Day). Easter holidays are computed; Eid al-Fitr is gazetted each
# year, so it belongs in `extra_holidays`.
KENYA_FIXED_HOLIDAYS = (
    "01-01",  # New Year's Day
    "05-01",  # Labour Day
    "06-01",  # Madaraka Day
    "10-10",  # Mazingira Day
    "10-20",  # Mashujaa Day
    "12-12",  # Jamhuri Day
    "12-25",  # Christmas Day
    "12-26",  # Boxing Day
)


class EscalationSettings(BaseSettings):
    """Office hours, SLA targets, routing and console security; build directly in tests."""

    model_config = SettingsConfigDict(
        env_prefix="MSAIDIZI_ESCALATION_", env_file=None, extra="ignore", frozen=True
    )

    timezone: str = NAIROBI_NAME
    office_hours: dict[str, str | None] = Field(
        default={
            "mon": "08:00-17:00",
            "tue": "08:00-17:00",
            "wed": "08:00-17:00",
            "thu": "08:00-17:00",
            "fri": "08:00-17:00",
            "sat": "09:00-13:00",
            "sun": None,
        },
        description="Opening hours per weekday as HH:MM-HH:MM, null when closed.",
    )
    fixed_holidays: tuple[str, ...] = KENYA_FIXED_HOLIDAYS
    easter_holidays: bool = Field(default=True, description="Close on Good Friday/Easter Monday.")
    extra_holidays: tuple[date, ...] = Field(
        default=(), description="Gazetted one-off holidays, e.g. Eid al-Fitr."
    )

    sla_urgent_minutes: int = Field(default=15, ge=1)
    sla_high_minutes: int = Field(default=60, ge=1)
    sla_normal_minutes: int = Field(default=240, ge=1)
    urgent_round_the_clock: bool = Field(
        default=True, description="Count urgent SLAs in wall-clock time, not office time."
    )
    default_handling_minutes: int = Field(default=12, ge=1)
    handling_sample_size: int = Field(default=20, ge=1)
    handling_min_samples: int = Field(default=3, ge=1)
    handling_window: timedelta = timedelta(days=30)

    transcript_retention: timedelta = Field(
        default=timedelta(days=365),
        description="After this long, `msaidizi tickets redact` masks closed tickets' texts.",
    )

    presence_window: timedelta = Field(
        default=timedelta(minutes=2),
        description="An agent seen by the console within this window can be auto-assigned.",
    )
    default_max_open: int = Field(default=4, ge=1, le=50)

    session_ttl: timedelta = timedelta(hours=12)
    session_idle: timedelta = timedelta(minutes=60)
    signin_max_failures: int = Field(
        default=5, ge=1, description="Wrong passwords from one browser before it is locked."
    )
    signin_lockout: timedelta = timedelta(minutes=15)
    signin_per_ip: str = Field(
        default="20/10minutes",
        description="Failed sign-ins per client address, any account ('limits' notation).",
    )
    password_min_length: int = Field(default=12, ge=8)
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=1024)
    argon2_parallelism: int = Field(default=4, ge=1)

    @field_validator("office_hours")
    @classmethod
    def _check_hours(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        unknown = set(value) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"unknown weekdays: {sorted(unknown)}")
        for day, hours in value.items():
            if hours is None:
                continue
            match = _HOURS.match(hours)
            if match is None or hours[:5] >= hours[6:]:
                raise ValueError(f"{day}: expected HH:MM-HH:MM with start before end")
        return value

    @field_validator("fixed_holidays")
    @classmethod
    def _check_fixed(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not re.match(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", item):
                raise ValueError(f"fixed holiday {item!r}: expected MM-DD")
        return value

    @model_validator(mode="after")
    def _some_opening(self) -> Self:
        if not any(self.office_hours.get(day) for day in WEEKDAYS):
            raise ValueError("office_hours: the office must open on at least one weekday")
        return self


@lru_cache(maxsize=1)
def get_escalation_settings() -> EscalationSettings:
    """Read the settings from the environment once per process."""
    return EscalationSettings()
