"""The one lockout mechanism: parallel failures are all counted, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from backend.core.db import make_engine, make_sessionmaker
from backend.core.lockouts import (
    Locked,
    Lockout,
    LockPolicy,
    ThrottleRow,
    locked_problem,
)
from tests.helpers.services import private_schema

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
PARALLEL = 16


class _Base(DeclarativeBase):
    pass


class GuessCounter(ThrottleRow, _Base):
    __tablename__ = "test_guess_counters"

    id: Mapped[int] = mapped_column(primary_key=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A session factory on a database holding only the counter table."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'lockouts.db'}")
        _Base.metadata.create_all(engine)
        yield make_sessionmaker(engine)
        engine.dispose()
        return
    with private_schema("msz_lockouts") as url:
        engine = make_engine(url)
        _Base.metadata.create_all(engine)
        yield make_sessionmaker(engine)
        engine.dispose()


def _guess(factory: sessionmaker[Session], lockout: Lockout[GuessCounter],
           start: threading.Barrier) -> str:
    """One wrong guess in its own transaction, slow enough for the others to pile up."""
    start.wait()
    with factory() as session:
        try:
            row = lockout.enter(session, "subject", NOW)
        except Locked:
            return "locked"
        time.sleep(0.02)  # a password hash takes this long: any unlocked read would race
        engaged = lockout.fail(row, NOW)
        session.commit()
    return "engaged" if engaged else "failed"


def _in_parallel(factory: sessionmaker[Session], lockout: Lockout[GuessCounter]) -> Counter[str]:
    start = threading.Barrier(PARALLEL)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return Counter(pool.map(lambda _: _guess(factory, lockout, start), range(PARALLEL)))


def test_parallel_failures_are_all_counted(factory: sessionmaker[Session]) -> None:
    lockout = Lockout(GuessCounter, LockPolicy(max_failures=1000, lockout=timedelta(minutes=5)))
    assert _in_parallel(factory, lockout) == Counter(failed=PARALLEL)
    with factory() as session:
        row = session.scalar(select(GuessCounter))
        assert row is not None and row.failed_attempts == PARALLEL


def test_parallel_failures_lock_exactly_at_the_limit(factory: sessionmaker[Session]) -> None:
    lockout = Lockout(GuessCounter, LockPolicy(max_failures=5, lockout=timedelta(minutes=5)))
    assert _in_parallel(factory, lockout) == Counter(failed=4, engaged=1, locked=PARALLEL - 5)


def test_release_lifts_the_lock_under_the_same_row_lock(factory: sessionmaker[Session]) -> None:
    lockout = Lockout(GuessCounter, LockPolicy(max_failures=1, lockout=timedelta(minutes=5)))
    with factory() as session:
        assert lockout.fail(lockout.enter(session, "subject", NOW), NOW) is not None
        session.commit()
    with factory() as session, pytest.raises(Locked):
        lockout.enter(session, "subject", NOW + timedelta(minutes=1))
    with factory() as session:
        assert lockout.release(session, ["subject", "subject", "nobody"], NOW) == 1
        session.commit()
    with factory() as session:
        row = lockout.enter(session, "subject", NOW + timedelta(minutes=1))
        assert (row.failed_attempts, row.locked_until) == (0, None)


def test_the_lock_ends_by_itself_after_the_policys_time(factory: sessionmaker[Session]) -> None:
    lockout = Lockout(GuessCounter, LockPolicy(max_failures=1, lockout=timedelta(minutes=5)))
    with factory() as session:
        lockout.fail(lockout.enter(session, "subject", NOW), NOW)
        session.commit()
    with factory() as session:
        assert lockout.enter(session, "subject", NOW + timedelta(minutes=5)).subject == "subject"


@pytest.mark.parametrize(("left", "seconds"), [(timedelta(milliseconds=200), 1),
                                               (timedelta(seconds=899.5), 900),
                                               (timedelta(minutes=15), 900),
                                               (timedelta(seconds=-3), 1)])
def test_every_lock_answers_retry_after_rounded_up(left: timedelta, seconds: int) -> None:
    problem = locked_problem("sign-in-locked", NOW + left, NOW)
    assert (problem.status, problem.headers["Retry-After"]) == (429, str(seconds))
    assert problem.extra["retry_after_seconds"] == seconds
