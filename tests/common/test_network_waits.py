"""Network bounds: defaults where a URL is silent, the operator's own values kept."""

from __future__ import annotations

import socket

from common.network_waits import UNACKNOWLEDGED_MS, libpq_defaults, redis_connection_options


def test_libpq_gets_every_bound_when_the_url_sets_none() -> None:
    assert libpq_defaults({}) == {
        "connect_timeout": "5", "keepalives": "1", "keepalives_idle": "10",
        "keepalives_interval": "5", "keepalives_count": "3", "tcp_user_timeout": "15000"}


def test_a_bound_the_url_sets_is_left_to_it() -> None:
    chosen = libpq_defaults({"connect_timeout": "20", "keepalives": "0", "sslmode": "require"})
    assert "connect_timeout" not in chosen and "keepalives" not in chosen
    assert chosen["tcp_user_timeout"] == str(UNACKNOWLEDGED_MS)


def test_redis_connections_time_out_and_probe_a_silent_peer() -> None:
    options = redis_connection_options()
    assert options["socket_timeout"] > 0 and options["socket_connect_timeout"] > 0
    assert options["socket_keepalive"] is True
    assert options["socket_keepalive_options"][socket.TCP_USER_TIMEOUT] == UNACKNOWLEDGED_MS
