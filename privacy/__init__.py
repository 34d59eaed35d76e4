"""Personal-data masking shared by the assistant, the backend and escalation."""

from privacy.redact import (
    JsonRedactingFormatter,
    RedactingFilter,
    RedactingFormatter,
    mask,
    mask_kinds,
    mask_phone,
)

__all__ = ["JsonRedactingFormatter", "RedactingFilter", "RedactingFormatter", "mask",
           "mask_kinds", "mask_phone"]
