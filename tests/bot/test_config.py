"""Settings an operator gets wrong are refused at start-up with the reason, not on every turn."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config import LimitSettings


@pytest.mark.parametrize("limit", ["thirty/minute", "", "30/minute;;", "30 per fortnight"])
def test_an_unreadable_rate_limit_is_refused_with_an_example(limit: str) -> None:
    with pytest.raises(ValidationError, match="is not a rate limit such as"):
        LimitSettings(codes_per_address=limit)


@pytest.mark.parametrize("limit", ["30/minute;300/hour", "0/hour", "5 per second"])
def test_readable_rate_limits_are_taken(limit: str) -> None:
    assert LimitSettings(messages_per_chat=limit).messages_per_chat == limit
