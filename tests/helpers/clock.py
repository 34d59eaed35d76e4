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

    def advance(self, seconds: float) -> None:
        """Move both times forward."""
        self.elapsed += timedelta(seconds=seconds)
