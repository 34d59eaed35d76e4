"""Bounds on how long a process waits for PostgreSQL or Redis across the network.

Without them, a database or Redis host that goes away without closing its connections (a
network partition, a failover to another address, a host that froze) leaves each statement
or command waiting until the kernel gives up on its unacknowledged data, about 15 minutes
on Linux, and a connection attempt waiting on the kernel's SYN retries (about two minutes).
Meanwhile the turn's request, its pooled connection and its conversation lock are held.
With these, a connection whose peer stopped answering ends within seconds, and the sender
is asked to send again (a translated 503), as when the database refuses outright.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from typing import Any

CONNECT_TIMEOUT = 5  # seconds to open a connection (a partition drops the SYN silently)
# Data the peer has not acknowledged for this long ends the connection (TCP_USER_TIMEOUT):
# a statement or command sent into a partition fails instead of waiting ~15 minutes.
UNACKNOWLEDGED_MS = 15_000
# An idle connection is probed after 10 s of silence, every 5 s, and ends after 3 probes
# unanswered: a pooled connection or the pub/sub reader learns its peer is gone in ~25 s.
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT = 10, 5, 3
REDIS_COMMAND_TIMEOUT = 5.0  # seconds for a Redis reply (a turn's commands take microseconds)


def libpq_defaults(given: Mapping[str, Any]) -> dict[str, str]:
    """Return libpq's network bounds that the operator did not set.

    Not in `given` (the URL's query), not in libpq's environment (`PGCONNECT_TIMEOUT`), and
    none with a service file (`service` in the URL or `PGSERVICE`), whose entries libpq reads
    only where none is passed.
    """
    if "service" in given or os.environ.get("PGSERVICE"):
        return {}
    defaults = {
        "connect_timeout": str(CONNECT_TIMEOUT),
        "keepalives": "1",
        "keepalives_idle": str(KEEPALIVE_IDLE),
        "keepalives_interval": str(KEEPALIVE_INTERVAL),
        "keepalives_count": str(KEEPALIVE_COUNT),
        "tcp_user_timeout": str(UNACKNOWLEDGED_MS),
    }
    if os.environ.get("PGCONNECT_TIMEOUT"):
        del defaults["connect_timeout"]
    return {name: value for name, value in defaults.items() if name not in given}


def redis_connection_options(url: str) -> dict[str, Any]:
    """Return redis-py's options for the same bounds (a URL's own query still wins).

    A Unix socket (`unix://`) has no TCP keepalive, and redis-py refuses the option there.
    """
    if url.startswith("unix:"):
        return {"socket_connect_timeout": CONNECT_TIMEOUT, "socket_timeout": REDIS_COMMAND_TIMEOUT}
    keepalive = {socket.TCP_KEEPIDLE: KEEPALIVE_IDLE, socket.TCP_KEEPINTVL: KEEPALIVE_INTERVAL,
                 socket.TCP_KEEPCNT: KEEPALIVE_COUNT}
    if hasattr(socket, "TCP_USER_TIMEOUT"):  # Linux: where the workers run
        keepalive[socket.TCP_USER_TIMEOUT] = UNACKNOWLEDGED_MS
    # A blocking pub/sub read is exempt from socket_timeout (redis-py reads it without one);
    # the keepalive probes end it when Redis is gone.
    return {"socket_connect_timeout": CONNECT_TIMEOUT, "socket_timeout": REDIS_COMMAND_TIMEOUT,
            "socket_keepalive": True, "socket_keepalive_options": keepalive}
