"""Network bounds: defaults where a URL is silent, the operator's own values kept."""

from __future__ import annotations

import socket

import pytest

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
    options = redis_connection_options("redis://cache.internal:6379/0")
    assert options["socket_timeout"] > 0 and options["socket_connect_timeout"] > 0
    assert options["socket_keepalive"] is True
    assert options["socket_keepalive_options"][socket.TCP_USER_TIMEOUT] == UNACKNOWLEDGED_MS


def test_a_unix_socket_gets_the_timeouts_without_tcp_keepalive() -> None:
    from redis.asyncio import Redis

    options = redis_connection_options("unix:///run/redis.sock")
    assert "socket_keepalive" not in options and options["socket_timeout"] > 0
    Redis.from_url("unix:///run/redis.sock", **options)  # redis-py accepts them (no I/O yet)


def test_libpq_settings_of_the_environment_and_service_files_are_left_to_libpq(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "30")
    assert "connect_timeout" not in libpq_defaults({})
    assert libpq_defaults({"service": "msaidizi"}) == {}
    monkeypatch.setenv("PGSERVICE", "msaidizi")
    assert libpq_defaults({}) == {}
