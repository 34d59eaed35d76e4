"""A clock tests advance by hand, so code that reads the time never makes a test sleep."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from common.timezone import utcnow


@dataclass
class ManualClock:
    """Wall time (`now`) and monotonic time (`monotonic`) that move only when told to."""

    start: datetime = field(default_factory=utcnow)
    elapsed: timedelta = timedelta(0)

    def now(self) -> datetime:
        """Return the current wall time (UTC)."""
        return self.start + self.elapsed

    def monotonic(self) -> float:
        """Return seconds since the clock was made, like `time.monotonic` does."""
        return self.elapsed.total_seconds()

    def advance(self, by: float | timedelta) -> None:
        """Move both times forward by `by` (seconds, or a timedelta)."""
        self.elapsed += by if isinstance(by, timedelta) else timedelta(seconds=by)


@dataclass
class ShiftedClock:
    """Real wall time moved forward by hand, like the backend's own test clock.

    For a service that the code under test also compares with its own real clock (the
    assistant stamps a sign-in with the real time and ignores older events).
    """

    offset: timedelta = timedelta(0)

    def now(self) -> datetime:
        """Return the current wall time (UTC) plus the offset."""
        return utcnow() + self.offset

    def advance(self, by: float | timedelta) -> None:
        """Move the time forward by `by` (seconds, or a timedelta)."""
        self.offset += by if isinstance(by, timedelta) else timedelta(seconds=by)
