"""Which database failures are worth sending again: a lost connection, a busy database."""

from __future__ import annotations

# Besides a lost connection: too many connections, a statement timeout, a serialization
# failure, a deadlock. Any other failure (a missing table, a full disk) is a fault to see.
_BUSY = frozenset({"53300", "57014", "40001", "40P01"})


def connection_lost(sqlstate: str) -> bool:
    """Return True when the server ended the session: class 57P (shutdown) or 08 (connection)."""
    return sqlstate.startswith(("57P", "08"))


def worth_retrying(sqlstate: str) -> bool:
    """Return True for a lost connection or a database too busy to answer now."""
    return connection_lost(sqlstate) or sqlstate in _BUSY
