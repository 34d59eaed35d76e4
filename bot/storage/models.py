"""Tables for the assistant's own state: sessions, the message log and handled inbound ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from common.sqltypes import UTCDateTime
from common.timezone import utcnow


class Base(DeclarativeBase):
    """Declarative base of the assistant's database (separate from the backend's)."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: UTCDateTime(),
    }


class ConversationRow(Base):
    """One conversation: its session state and the counter that orders its messages."""

    __tablename__ = "bot_conversations"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    sender_id: Mapped[str] = mapped_column(String(160))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class MessageRow(Base):
    """A message in or out of a conversation, numbered in the order it happened.

    `delivery` tracks outbound messages that a channel must send through its API (Telegram,
    WhatsApp): pending until sent, retried with backoff, failed after the last attempt. It is
    None where the channel fetches messages itself (web chat).
    """

    __tablename__ = "bot_messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_bot_messages_seq"),
        Index("ix_bot_messages_delivery_due", "delivery", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(3))
    body: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivery: Mapped[str | None] = mapped_column(String(10), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(String(300), default=None)


class InboundReceiptRow(Base):
    """A channel message id already handled, and which log entries answered it."""

    __tablename__ = "bot_inbound_receipts"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # the turn's events and the conversation's state after it (TurnResult.summary)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class MatchEventRow(Base):
    """A fallback, a "did you mean" or the option then chosen; the query is stored masked."""

    __tablename__ = "bot_match_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    language: Mapped[str] = mapped_column(String(5))
    query: Mapped[str] = mapped_column(String(1000))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    chosen: Mapped[str | None] = mapped_column(String(120), default=None)
    score: Mapped[float | None] = mapped_column(default=None)


class PendingReportRow(Base):
    """A security report the backend could not take yet; filed by a background loop."""

    __tablename__ = "bot_pending_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    draft: Mapped[dict[str, Any]] = mapped_column()
    token: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    filed_reference: Mapped[str | None] = mapped_column(String(40), default=None)


class HandledKeyRow(Base):
    """A push already delivered for a backend event or filed report: never push it twice."""

    __tablename__ = "bot_handled_keys"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SettingRow(Base):
    """Small durable values of the assistant, such as the backend event cursor."""

    __tablename__ = "bot_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(String(400))


class WebSessionRow(Base):
    """A web chat browser: its cookie's SHA-256 and the sender id it speaks as."""

    __tablename__ = "bot_web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
