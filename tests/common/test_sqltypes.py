from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from common.sqltypes import UTCDateTime
from tests.helpers.services import private_schema

NAIROBI_EVENING = datetime(2026, 3, 5, 18, 42, tzinfo=timezone(timedelta(hours=3)))


def _roundtrip(url: str, value: datetime) -> datetime:
    metadata = MetaData()
    table = Table("moments", metadata, Column("id", Integer, primary_key=True),
                  Column("at", UTCDateTime()))
    engine = create_engine(url)
    try:
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(insert(table).values(id=1, at=value))
            stored = connection.execute(select(table.c.at)).scalar_one()
        metadata.drop_all(engine)
    finally:
        engine.dispose()
    return stored


def test_utc_column_on_sqlite_gives_back_the_same_moment_aware_in_utc() -> None:
    stored = _roundtrip("sqlite://", NAIROBI_EVENING)
    assert stored == NAIROBI_EVENING and stored.tzinfo is UTC and stored.hour == 15


@pytest.mark.postgres
def test_utc_column_on_postgresql_gives_back_the_same_moment_aware_in_utc() -> None:
    with private_schema("msz_common") as url:
        stored = _roundtrip(url, NAIROBI_EVENING)
    assert stored == NAIROBI_EVENING and stored.utcoffset() == timedelta(0)


def test_utc_column_refuses_a_naive_datetime() -> None:
    with pytest.raises(Exception, match="naive datetime"):
        _roundtrip("sqlite://", datetime(2026, 3, 5, 18, 42))  # noqa: DTZ001
