"""Personal-data masking shared by the assistant, the backend and escalation."""

from privacy.redact import RedactingFilter, mask, mask_phone

__all__ = ["RedactingFilter", "mask", "mask_phone"]
