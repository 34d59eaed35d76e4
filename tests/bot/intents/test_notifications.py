"""Payment results pushed to the chat: once each, and never a stale failure after a new try."""

from __future__ import annotations

from pathlib import Path

from bot.core.session import Session
from bot.core.turn import Turn
from bot.i18n import Catalogs
from bot.intents.notifications import remember_attempt, render_event
from bot.notify.pushes import push_turn

LOCALES = Path(__file__).resolve().parents[3] / "locales"


def _turn() -> Turn:
    return push_turn(Session("webchat:w1", "webchat", "w1"), Catalogs(LOCALES))


def _payment(payment_id: int, kind: str = "payment.failed") -> tuple[str, dict[str, object]]:
    return kind, {"payment_id": payment_id, "bill_id": 2, "amount_kes": 1050,
                  "application_reference": "GC-2025-000456", "reason": "expired",
                  "receipt_no": "TMJZCG46PU"}


def test_the_failure_of_an_attempt_the_citizen_replaced_is_not_announced() -> None:
    turn = _turn()
    remember_attempt(turn, 2, 10)
    remember_attempt(turn, 2, 11)  # tried again, e.g. after a restart
    assert render_event(turn, *_payment(10)) == []
    [received] = render_event(turn, *_payment(11, "payment.succeeded"))
    assert received.text.startswith("Payment received: KES 1,050 for GC-2025-000456.")


def test_the_failure_of_the_newest_attempt_is_announced_once() -> None:
    turn = _turn()
    remember_attempt(turn, 2, 11)
    [failed] = render_event(turn, *_payment(11))
    assert failed.text.startswith("The payment for GC-2025-000456 did not go through")
    assert render_event(turn, *_payment(11)) == []


def test_money_that_moved_is_always_announced_even_for_an_older_attempt() -> None:
    turn = _turn()
    remember_attempt(turn, 2, 12)
    [received] = render_event(turn, *_payment(11, "payment.succeeded"))
    assert received.text.startswith("Payment received")
