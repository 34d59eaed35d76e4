from datetime import UTC, datetime, timedelta

import pytest

from common import timezone
from common.timezone import NAIROBI, NAIROBI_NAME, load_zone, utcnow


def test_nairobi_is_three_hours_ahead_of_utc_all_year() -> None:
    for month in (1, 7):
        moment = datetime(2026, month, 1, 12, tzinfo=UTC)
        assert moment.astimezone(NAIROBI).utcoffset() == timedelta(hours=3)


def test_load_zone_without_tz_database_falls_back_for_nairobi_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise timezone.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(timezone, "ZoneInfo", missing)
    zone = load_zone(NAIROBI_NAME)
    assert datetime(2026, 1, 1, tzinfo=UTC).astimezone(zone).hour == 3
    with pytest.raises(timezone.ZoneInfoNotFoundError):
        load_zone("Europe/Berlin")


def test_utcnow_is_aware_utc() -> None:
    assert utcnow().utcoffset() == timedelta(0)
