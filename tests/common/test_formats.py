"""Money and moments: one way per language, the same in the assistant and the backend."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.i18n import Catalogs
from common.formats import format_day, format_moment, format_money
from tests.conftest import REPO

EVENING = datetime(2026, 3, 5, 15, 42, tzinfo=UTC)  # 18:42 in Nairobi


@pytest.mark.parametrize("language", ["en", "sw"])
def test_money_and_moments_are_written_as_the_assistant_writes_them(language: str) -> None:
    assistant = Catalogs(REPO / "locales").for_locale(language)
    for amount in (0, 50, 1050, 4550, 1_234_567):
        assert format_money(amount, language) == assistant.money(amount)
    assert format_moment(EVENING, language) == assistant.datetime(EVENING)
    assert format_day(date(2026, 3, 5), language) == assistant.date(date(2026, 3, 5))


def test_one_format_per_language_in_nairobi_time() -> None:
    assert (format_money(3050, "en"), format_money(3050, "sw")) == ("KES 3,050", "KSh 3,050")
    assert format_moment(EVENING, "en") == "5 March 2026, 18:42"
    assert format_moment(EVENING, "sw") == "5 Machi 2026, 18:42"
    assert format_day(date(2026, 3, 5), "sw") == "5 Machi 2026"


def test_an_unknown_language_is_written_as_english() -> None:
    assert format_money(1050, "fr") == "KES 1,050"
