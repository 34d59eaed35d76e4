"""The backend's own words (SMS, receipts) come from the catalogs and look like the assistant's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.i18n import moment, money, say
from bot.i18n import Catalogs
from tests.conftest import REPO

EVENING = datetime(2026, 3, 5, 15, 42, tzinfo=UTC)  # 18:42 in Nairobi


@pytest.mark.parametrize("language", ["en", "sw"])
def test_money_and_moments_are_written_as_the_assistant_writes_them(language: str) -> None:
    assistant = Catalogs(REPO / "locales").for_locale(language)
    for amount in (0, 50, 1050, 4550, 1_234_567):
        assert money(amount, language) == assistant.money(amount)
    assert moment(EVENING, language) == assistant.datetime(EVENING)


def test_one_format_per_language_in_nairobi_time() -> None:
    assert (money(3050, "en"), money(3050, "sw")) == ("KES 3,050", "KSh 3,050")
    assert moment(EVENING, "en") == "5 March 2026, 18:42"
    assert moment(EVENING, "sw") == "5 Machi 2026, 18:42"


def test_an_sms_is_sent_in_the_citizens_language() -> None:
    message = ("Your Msaidizi one-time code is %(code)s. It expires in %(minutes)d minutes. "
               "Never share it with anyone, not even staff.")
    english = say("en", message, code="123456", minutes=5)
    swahili = say("sw", message, code="123456", minutes=5)
    assert english.startswith("Your Msaidizi one-time code is 123456.")
    assert swahili.startswith("Msimbo wako wa mara moja wa Msaidizi ni 123456.")
    assert "dakika 5" in swahili


def test_an_unknown_language_falls_back_to_english_words() -> None:
    assert say("fr", "Total") == "Total"
