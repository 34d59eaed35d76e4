"""Backend events reach the citizen's chat once, and an idle poll costs almost nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.backend import BackendEvent, ChatIdentity
from bot.notify.events import LOOKBACK, EventConsumer


class Backend:
    """The two calls of the backend port the consumer makes, over a list of events."""

    def __init__(self) -> None:
        self.log: list[BackendEvent] = []
        self.identity_calls = 0
        self.preferred: str | None = None  # the profile language the backend reports

    async def events(self, after: int, limit: int = 200) -> tuple[list[BackendEvent], int]:
        found = [e for e in self.log if e.id > after][:limit]
        return found, max((e.id for e in self.log), default=0)

    async def chat_identities(self, citizen_id: int) -> tuple[list[ChatIdentity], Any]:
        self.identity_calls += 1
        return [ChatIdentity("webchat", f"citizen-{citizen_id}")], self.preferred


class Pusher:
    """Records pushes; a key is pushed once, as the real pusher's durable keys ensure."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.attempts = 0
        self.languages: list[str | None] = []

    async def push(self, conversation_id: str, once_key: str, render: Any,
                   preferred: str | None = None) -> bool:
        self.attempts += 1
        self.languages.append(preferred)
        if once_key in self.keys:
            return False
        self.keys.append(once_key)
        return True


class Settings:
    """Durable settings kept in a dict, counting writes."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.writes = 0

    async def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)

    async def set(self, key: str, value: str) -> None:
        self.writes += 1
        self.values[key] = value


class Routes:
    """No ticket moved to another chat."""

    async def route(self, number: str, conversation_id: str) -> None:
        return None

    async def conversation_for(self, number: str) -> str | None:
        return None


def _event(event_id: int) -> BackendEvent:
    return BackendEvent(event_id, "payment.succeeded", citizen_id=7, payload={})


async def test_each_event_is_pushed_once_and_idle_polls_do_no_work() -> None:
    backend, pusher, settings = Backend(), Pusher(), Settings()
    consumer = EventConsumer(backend, pusher, settings, Routes())  # type: ignore[arg-type]
    await consumer.poll_once()  # the first start begins with what happens next
    backend.log = [_event(i) for i in range(1, 31)]
    assert await consumer.poll_once() == 30
    assert len(pusher.keys) == 30 and backend.identity_calls == 30
    work = (pusher.attempts, backend.identity_calls, settings.writes)
    for _ in range(5):  # idle: the lookback window holds only events already handled
        assert await consumer.poll_once() == 0
    assert (pusher.attempts, backend.identity_calls, settings.writes) == work


async def test_an_event_committed_late_inside_the_lookback_is_still_pushed() -> None:
    backend, pusher, settings = Backend(), Pusher(), Settings()
    consumer = EventConsumer(backend, pusher, settings, Routes())  # type: ignore[arg-type]
    await consumer.poll_once()
    backend.log = [_event(i) for i in (1, 2, 4)]  # 3 is still being committed
    assert await consumer.poll_once() == 3
    backend.log = sorted([*backend.log, _event(3)], key=lambda e: e.id)
    assert await consumer.poll_once() == 1
    assert pusher.keys[-1] == "event:3"


async def test_after_a_restart_the_window_is_looked_at_once_and_nothing_is_pushed_twice() -> None:
    backend, pusher, settings = Backend(), Pusher(), Settings()
    first = EventConsumer(backend, pusher, settings, Routes())  # type: ignore[arg-type]
    await first.poll_once()
    backend.log = [_event(i) for i in range(1, LOOKBACK + 10)]
    await first.poll_once()
    restarted = EventConsumer(backend, pusher, settings, Routes())  # type: ignore[arg-type]
    assert await restarted.poll_once() == 0
    assert len(pusher.keys) == len(set(pusher.keys)) == LOOKBACK + 9


async def test_an_agent_typing_is_shown_while_fresh_and_never_stored_as_a_message() -> None:
    backend, pusher, settings = Backend(), Pusher(), Settings()
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    shown: list[tuple[str, str]] = []

    async def indicate(conversation_id: str, name: str) -> None:
        shown.append((conversation_id, name))

    consumer = EventConsumer(backend, pusher, settings, Routes(),  # type: ignore[arg-type]
                             indicate=indicate, clock=lambda: now)
    await consumer.poll_once()

    def typing(event_id: int, age: float, name: str = "Achieng") -> BackendEvent:
        return BackendEvent(event_id, "ticket.agent_typing", citizen_id=7, payload={
            "number": "T-000001", "conversation_id": "telegram:42", "agent_name": name},
            created_at=now - timedelta(seconds=age))

    # read after an outage: the old one says nothing true any more, the fresh one shows
    backend.log = [typing(1, age=60), typing(2, age=1), typing(3, age=0, name="")]
    await consumer.poll_once()
    assert shown == [("telegram:42", "Achieng")]
    assert pusher.attempts == 0  # nothing goes into the chat's message log
    await consumer.poll_once()
    assert shown == [("telegram:42", "Achieng")]  # a second look shows it no more


async def test_the_profile_language_the_backend_reports_goes_with_each_push() -> None:
    backend, pusher, settings = Backend(), Pusher(), Settings()
    backend.preferred = "sw"
    consumer = EventConsumer(backend, pusher, settings, Routes())  # type: ignore[arg-type]
    await consumer.poll_once()
    backend.log = [_event(1)]
    assert await consumer.poll_once() == 1
    assert pusher.languages == ["sw"]
