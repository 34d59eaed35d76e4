"""The backend's own words (SMS, receipts) come from the catalogs, compiled or not."""

from __future__ import annotations

from backend.core.i18n import say

OTP_SMS = ("Your Msaidizi one-time code is %(code)s. It expires in %(minutes)d minutes. "
           "Never share it with anyone, not even staff.")


def test_an_sms_is_sent_in_the_citizens_language() -> None:
    english = say("en", OTP_SMS, code="123456", minutes=5)
    swahili = say("sw", OTP_SMS, code="123456", minutes=5)
    assert english.startswith("Your Msaidizi one-time code is 123456.")
    assert swahili.startswith("Msimbo wako wa mara moja wa Msaidizi ni 123456.")
    assert "dakika 5" in swahili


def test_an_unknown_language_falls_back_to_english_words() -> None:
    assert say("fr", "Total") == "Total"
