"""A scripted M-Pesa gateway at the port: what Daraja answers, decided by each test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from backend.services.daraja import (
    DarajaError,
    StatementEntry,
    StkAck,
    StkQueryResult,
)


@dataclass
class ScriptedGateway:
    """Answers pushes, queries and statements from scripts, and counts every call."""

    push_error: DarajaError | None = None
    queries: dict[str, list[StkQueryResult | DarajaError]] = field(default_factory=dict)
    entries: list[StatementEntry] = field(default_factory=list)
    statement_error: DarajaError | None = None
    pushes: list[dict[str, object]] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    statements: int = 0

    def stk_push(self, *, amount: int, phone: str, account_reference: str, description: str,
                 callback_url: str) -> StkAck:
        self.pushes.append({"amount": amount, "phone": phone, "callback_url": callback_url,
                            "account_reference": account_reference})
        if self.push_error is not None:
            raise self.push_error
        n = len(self.pushes)
        return StkAck(f"29115-3462056{n}-1", f"ws_CO_06122026100000{n:08d}", "0", "ok", "ok")

    def stk_query(self, *, checkout_request_id: str) -> StkQueryResult:
        self.asked.append(checkout_request_id)
        script = self.queries.get(checkout_request_id) or [StkQueryResult(False, unknown=True)]
        answer = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(answer, DarajaError):
            raise answer
        return answer

    def statement(self, *, start: datetime, end: datetime) -> list[StatementEntry]:
        self.statements += 1
        if self.statement_error is not None:
            raise self.statement_error
        return [e for e in self.entries
                if e.occurred_at is None or start <= e.occurred_at <= end]


def paid(result_code: int = 0, desc: str = "ok") -> StkQueryResult:
    """Return Daraja's final query answer."""
    return StkQueryResult(pending=False, result_code=result_code, result_desc=desc,
                          merchant_request_id=None)


PENDING = StkQueryResult(pending=True)
UNKNOWN = StkQueryResult(pending=False, unknown=True)
