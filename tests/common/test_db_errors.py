"""Which database failures a sender is asked to send again."""

from __future__ import annotations

import pytest

from common.db_errors import connection_lost, worth_retrying


@pytest.mark.parametrize("sqlstate", ["57P01", "57P02", "08006", "08001"])
def test_a_session_the_server_ended_is_a_lost_connection(sqlstate: str) -> None:
    assert connection_lost(sqlstate) and worth_retrying(sqlstate)


@pytest.mark.parametrize("sqlstate", ["53300", "57014", "40001", "40P01"])
def test_a_busy_database_is_worth_retrying_on_the_same_connection(sqlstate: str) -> None:
    assert worth_retrying(sqlstate) and not connection_lost(sqlstate)


@pytest.mark.parametrize("sqlstate", ["53100", "42P01", "58P01", "54000"])
def test_a_full_disk_or_a_missing_table_is_a_fault(sqlstate: str) -> None:
    assert not worth_retrying(sqlstate)
