"""Fixtures of the payment service tests."""

from __future__ import annotations

import pytest

from backend.container import Container
from tests.backend.payment_world import World, make_world


@pytest.fixture
def world(container: Container) -> World:
    """One citizen's unpaid bill, a payment service and a reconciler on a scripted gateway."""
    return make_world(container)
