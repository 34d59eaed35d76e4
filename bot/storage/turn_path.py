"""The hot path of a turn: its one read and its one write, as each database does them fastest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

DATABASE_WAIT = 10.0  # seconds a turn's statement may take on PostgreSQL, a connection included


@dataclass(frozen=True, slots=True)
class TurnWrite:
    """What one turn writes: the session's new state, its messages, events and receipt."""

    conversation_id: str
    session_channel: str
    sender_id: str
    new: bool  # no row yet (or one a push created before the first turn)
    expected_version: int
    state: dict[str, Any]
    now: datetime
    messages: list[tuple[str, dict[str, Any], str | None]]  # direction, body, delivery
    events: list[dict[str, Any]]
    channel: str
    message_id: str | None  # the redelivery receipt's key, when the channel gave one
    summary: dict[str, Any] | None


class TurnPath(Protocol):
    """A turn's read and write outside SQLAlchemy's per-statement layers."""

    async def open_turn(self, parameters: Mapping[str, Any]) -> dict[str, Any]:
        """Return the session row and the receipt of the message id (None where absent)."""
        ...

    async def write_turn(self, turn: TurnWrite) -> int | None:
        """Write the turn atomically; return the last seq, or None if the session changed."""
        ...

    async def ping(self) -> None:
        """Raise unless the database answers on this path."""
        ...

    async def close(self) -> None:
        """Let go of the path's connections."""
        ...
