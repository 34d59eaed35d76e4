"""Fee placeholders in article text: `{fee:smart_dl}` is filled from the billing catalogue.

An article never writes a fee by hand where the service catalogue has it: the amount comes from
the same catalogue that bills the citizen, at answer time, so the article and the bill cannot
disagree. `fee` is what the citizen pays (the service fee plus the convenience fee), as on the
bill; `service_fee` and `convenience_fee` are its two parts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

KINDS = ("fee", "service_fee", "convenience_fee")
# Anything in braces that looks like a placeholder, so that misspelt ones are reported too.
PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_]+)\s*:\s*([A-Za-z0-9_]+)\s*\}")


@dataclass(frozen=True, slots=True)
class Fee:
    """What a service costs in whole Kenya shillings: its own fee and eCitizen's fee on top."""

    service: int
    convenience: int

    @property
    def total(self) -> int:
        """Return what the citizen pays, as the bill shows it."""
        return self.service + self.convenience

    def amount(self, kind: str) -> int:
        """Return the amount a placeholder kind stands for."""
        return {"fee": self.total, "service_fee": self.service,
                "convenience_fee": self.convenience}[kind]


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One placeholder found in a text, with where it is."""

    kind: str
    code: str
    text: str
    start: int


def placeholders(text: str) -> Iterator[Placeholder]:
    """Yield every placeholder-like `{kind:code}` in `text`, valid or not."""
    for match in PLACEHOLDER.finditer(text):
        yield Placeholder(match[1], match[2], match[0], match.start())


def fill(text: str, fees: Mapping[str, Fee] | None, money: Callable[[int], str],
         unknown: str) -> str:
    """Replace each placeholder with the formatted amount, or with `unknown` when not known."""

    def replace(match: re.Match[str]) -> str:
        kind, code = match[1], match[2]
        fee = (fees or {}).get(code)
        if kind not in KINDS or fee is None:
            return unknown
        return money(fee.amount(kind))

    return PLACEHOLDER.sub(replace, text)
