"""Personal-data masking shared by the assistant, the backend and escalation."""

from privacy.redact import RedactingFilter, RedactingFormatter, mask, mask_kinds, mask_phone

__all__ = ["RedactingFilter", "RedactingFormatter", "mask", "mask_kinds", "mask_phone"]
