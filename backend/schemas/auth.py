"""Sign-in by one-time code."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from backend.core.domain import Language, Scope
from backend.services.identifiers import parse_chat_identity

CHAT_IDENTITY_DOC = "channel:sender_id, for example telegram:42 or webchat:7f3c..."


def _check_chat_identity(value: str) -> str:
    if parse_chat_identity(value) is None:
        raise ValueError("must look like channel:sender_id (lower-case channel, no spaces)")
    return value


class OtpRequestIn(BaseModel):
    """Ask for a code to be sent to the citizen's phone (or email) on file."""

    identifier: str = Field(
        min_length=1,
        max_length=40,
        description="National/alien ID number or phone number",
        examples=["12345678", "0712345678", "+254712345678"],
    )
    chat_identity: str = Field(
        max_length=200, description=CHAT_IDENTITY_DOC, examples=["telegram:42"]
    )
    channel: Literal["sms", "email"] = "sms"

    _chat = field_validator("chat_identity")(_check_chat_identity)


class OtpRequestOut(BaseModel):
    """The same answer whether or not an account exists."""

    status: Literal["accepted"] = "accepted"
    detail: str = (
        "If the details match an account, a code has been sent to the phone number on file."
    )
    expires_in_seconds: int
    resend_after_seconds: int


class OtpVerifyIn(BaseModel):
    """Trade a code for a citizen token bound to this chat."""

    identifier: str = Field(min_length=1, max_length=40, examples=["12345678"])
    code: str = Field(pattern=r"^\d{6}$", examples=["123456"])
    chat_identity: str = Field(
        max_length=200, description=CHAT_IDENTITY_DOC, examples=["telegram:42"]
    )
    scopes: list[Scope] | None = Field(
        default=None, description="Subset of scopes to grant; all by default"
    )

    _chat = field_validator("chat_identity")(_check_chat_identity)


class CitizenBrief(BaseModel):
    """Enough about the citizen to greet them."""

    id: int
    first_name: str
    preferred_language: Language


class TokenOut(BaseModel):
    """A citizen token; the raw value is shown only here."""

    token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_at: datetime
    scopes: list[str]
    chat_identity: str
    citizen: CitizenBrief


class LogoutOut(BaseModel):
    """Confirmation that the presented token no longer works."""

    revoked: bool = True
