"""Network faults the simulator can put between Daraja and us: dropped, late, repeated callbacks."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import BaseModel, Field


class FaultsIn(BaseModel):
    """Body of POST /faults (every field optional; unset fields keep their value)."""

    drop_rate: float | None = Field(default=None, ge=0, le=1, description="Share of lost callbacks")
    duplicates: int | None = Field(default=None, ge=0, le=5, description="Extra copies sent.")
    extra_delay: tuple[float, float] | None = Field(
        default=None, description="Random extra seconds before each delivery: [min, max]."
    )
    forget: bool | None = Field(
        default=None, description="Forget finished transactions: the STK query no longer knows."
    )
    ack_delay: float | None = Field(
        default=None, ge=0, le=120, description="Seconds to wait before answering a push."
    )
    token_delay: float | None = Field(
        default=None, ge=0, le=120, description="Seconds to wait before issuing a token."
    )
    seed: int | None = Field(default=None, description="Seed for reproducible faults.")


@dataclass
class Faults:
    """The current faults; `plan` decides one callback's deliveries."""

    drop_rate: float = 0.0
    duplicates: int = 0
    extra_delay: tuple[float, float] = (0.0, 0.0)
    forget: bool = False
    ack_delay: float = 0.0
    token_delay: float = 0.0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def update(self, change: FaultsIn) -> None:
        """Apply the fields set in `change`."""
        for name, value in change.model_dump(exclude_none=True).items():
            if name == "seed":
                self.rng.seed(value)
            else:
                setattr(self, name, tuple(value) if name == "extra_delay" else value)

    def plan(self) -> list[float]:
        """Return the delays (seconds) of each delivery of one callback; [] when it is lost.

        Random delays per copy also reorder callbacks: a later transaction's result can
        arrive before an earlier one's, and a copy before the original.
        """
        if self.rng.random() < self.drop_rate:
            return []
        low, high = self.extra_delay
        return sorted(self.rng.uniform(low, high) for _ in range(1 + self.duplicates))

    def describe(self) -> dict[str, Any]:
        """Return the faults as JSON-friendly data."""
        return {k: v for k, v in asdict(self).items() if k != "rng"}
