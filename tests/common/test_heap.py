"""Start-up with the cyclic collector paused, and its heap frozen afterwards."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from common.heap import built_for_life


@pytest.fixture(autouse=True)
def _restore_collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()  # the test process must not keep its garbage for life
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_while_building_and_resumed_after() -> None:
    gc.enable()
    with built_for_life():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_was_built_is_frozen_out_of_later_collections() -> None:
    gc.enable()
    frozen = gc.get_freeze_count()
    with built_for_life():
        kept = [[index] for index in range(1000)]
    assert gc.get_freeze_count() >= frozen + len(kept)


def test_a_collector_paused_before_stays_paused() -> None:
    gc.disable()
    with built_for_life():
        pass
    assert not gc.isenabled()


def test_a_failed_build_still_resumes_the_collector() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), built_for_life():
        raise RuntimeError("start-up failed")
    assert gc.isenabled()
