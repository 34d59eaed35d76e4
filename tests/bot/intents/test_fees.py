"""The catalogue's fees, fetched from the backend, kept ten minutes, and kept through outages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.core.backend import BackendUnavailable, CatalogueService
from bot.core.placeholders import Fee
from bot.intents.fees import CatalogueFees

START = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


class Catalogue:
    """A backend whose catalogue can change or go away, counting the requests."""

    def __init__(self) -> None:
        self.fee = Fee(3000, 50)
        self.down = False
        self.calls = 0

    async def services(self) -> Sequence[CatalogueService]:
        self.calls += 1
        if self.down:
            raise BackendUnavailable("down")
        return [CatalogueService("smart_dl", {"en": "smart DL", "sw": "smart DL"}, self.fee)]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def make() -> tuple[CatalogueFees, Catalogue, Clock]:
    backend, clock = Catalogue(), Clock()
    fees = CatalogueFees(backend, ttl=timedelta(minutes=10), retry=timedelta(seconds=30),
                         clock=clock)
    return fees, backend, clock


async def test_fees_are_fetched_once_then_refreshed_after_ten_minutes() -> None:
    fees, backend, clock = make()
    assert await fees.current() == {"smart_dl": Fee(3000, 50)}
    backend.fee = Fee(3500, 50)
    clock.now += timedelta(minutes=9)
    assert await fees.current() == {"smart_dl": Fee(3000, 50)} and backend.calls == 1
    clock.now += timedelta(minutes=1)
    assert await fees.current() == {"smart_dl": Fee(3500, 50)} and backend.calls == 2


async def test_an_outage_keeps_the_last_copy_and_waits_before_asking_again() -> None:
    fees, backend, clock = make()
    await fees.current()
    backend.down = True
    clock.now += timedelta(minutes=10)
    assert await fees.current() == {"smart_dl": Fee(3000, 50)} and backend.calls == 2
    clock.now += timedelta(seconds=29)
    await fees.current()
    assert backend.calls == 2  # no request while the retry wait runs
    backend.down = False
    clock.now += timedelta(seconds=1)
    await fees.current()
    assert backend.calls == 3


async def test_without_any_copy_the_fees_are_unknown() -> None:
    fees, backend, _ = make()
    backend.down = True
    assert await fees.current() is None
