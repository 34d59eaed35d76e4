"""Column helpers shared by the model modules."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class StrEnumType(TypeDecorator[Any]):
    """Store a StrEnum as its value in a VARCHAR and read it back as the enum member."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__(length=max(len(m.value) for m in enum))
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Accept members or their values; refuse anything else."""
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        """Return the enum member."""
        return None if value is None else self.enum(value)


def enum_check(column: str, enum: type[StrEnum], name: str | None = None) -> CheckConstraint:
    """Return a CHECK constraint that keeps `column` within `enum`'s values."""
    values = ", ".join(f"'{m.value}'" for m in enum)
    return CheckConstraint(f"{column} IN ({values})", name=name or column)
