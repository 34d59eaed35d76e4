"""Every ORM model of the backend, the kernel's included, importable from one place.

Alembic's env.py calls `load_all_models()` so that the metadata it compares against holds the
backend's tables and those of the packages listed in `EXTRA_MODEL_MODULES`.
"""

from __future__ import annotations

import importlib
import importlib.util

from backend.core.models import (
    AuditEntry,
    Citizen,
    CitizenToken,
    Event,
    IdempotencyRecord,
    ReferenceCounter,
)
from backend.models.applications import Application, StatusChange
from backend.models.billing import Bill, MpesaCallback, Payment, Receipt
from backend.models.catalogue import Agency, Service
from backend.models.outbox import OutboxMessage
from backend.models.security import SecurityReport
from backend.models.signin import OtpChallenge, SigninThrottle

# Model modules of other packages that share `backend.core.db.Base` and the one Alembic history.
EXTRA_MODEL_MODULES: tuple[str, ...] = ("escalation.models",)


def load_all_models() -> list[str]:
    """Import the extra model modules that exist; return the names imported.

    A module that is absent is skipped; one that exists but fails to import raises, so a
    broken model file is never silently left out of migrations.
    """
    loaded = []
    for name in EXTRA_MODEL_MODULES:
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # the parent package itself is missing
            spec = None
        if spec is not None:
            importlib.import_module(name)
            loaded.append(name)
    return loaded


__all__ = [
    "EXTRA_MODEL_MODULES",
    "Agency",
    "Application",
    "AuditEntry",
    "Bill",
    "Citizen",
    "CitizenToken",
    "Event",
    "IdempotencyRecord",
    "MpesaCallback",
    "OtpChallenge",
    "OutboxMessage",
    "Payment",
    "Receipt",
    "ReferenceCounter",
    "SecurityReport",
    "Service",
    "SigninThrottle",
    "StatusChange",
    "load_all_models",
]
