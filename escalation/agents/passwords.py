"""Argon2id password hashing for console users."""

from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from escalation.config import EscalationSettings


class Passwords:
    """Hash and verify passwords; verifying an unknown user costs the same as a known one."""

    def __init__(self, settings: EscalationSettings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        self.min_length = settings.password_min_length

    @cached_property
    def _decoy(self) -> str:
        # Verified against when the e-mail is unknown, so timing does not tell who exists.
        return self._hasher.hash("decoy password that no one has")

    def hash(self, password: str) -> str:
        """Return the Argon2id hash (salt and parameters included)."""
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Tell whether `password` matches `stored`; with no stored hash, burn the same time."""
        try:
            return bool(self._hasher.verify(stored or self._decoy, password)) and bool(stored)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Tell whether `stored` was made with weaker parameters than today's."""
        try:
            return self._hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def check_policy(self, password: str) -> str | None:
        """Return why a new password is refused, or None when it is acceptable."""
        if len(password) < self.min_length:
            return f"use at least {self.min_length} characters"
        if password.strip() != password:
            return "do not start or end with spaces"
        if len(set(password)) < 5:
            return "use more different characters"
        return None
