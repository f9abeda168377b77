"""Tables of what the bot learns from use: every ask, alias suggestions, follows, per-guild options.

Added by migration 0004. Rows are storage detail; ``bot.core.storage.usage`` turns them into the
frozen dataclasses of ``bot.core.usage``. ``scope_key`` is 0 for asks outside a guild (the CLI, DMs).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.model import LIMITS
from bot.core.storage.tables import Base, UTCDateTime

#: Longest question text kept (the normalised question; Discord's /ask allows 500 characters).
QUESTION_LIMIT = 500


class AskRow(Base):
    """One question and how it was answered. ``user_id`` only when the guild opted in."""

    __tablename__ = "usage_asks"
    __table_args__ = (Index(None, "scope_key", "created_at"), Index(None, "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    scope_key: Mapped[int] = mapped_column(BigInteger, nullable=False)
    channel_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    question: Mapped[str] = mapped_column(String(QUESTION_LIMIT), nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    intent: Mapped[str] = mapped_column(String(16), nullable=False)
    topic: Mapped[str | None] = mapped_column(String(LIMITS["title"]), nullable=True)
    candidates: Mapped[list[list[object]]] = mapped_column(JSON, nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    latency_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class AliasSuggestionRow(Base):
    """A missed question that the same member followed, within a minute, with a question about ``topic``."""

    __tablename__ = "usage_alias_suggestions"
    __table_args__ = (UniqueConstraint("scope_key", "question", "topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    scope_key: Mapped[int] = mapped_column(BigInteger, nullable=False)
    question: Mapped[str] = mapped_column(String(QUESTION_LIMIT), nullable=False)
    topic: Mapped[str] = mapped_column(String(LIMITS["title"]), nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class FollowRow(Base):
    """A channel follows a topic (by title key; a rename is followed by the change feed)."""

    __tablename__ = "topic_follows"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    title_key: Mapped[str] = mapped_column(String(2 * LIMITS["title"]), primary_key=True)
    title: Mapped[str] = mapped_column(String(LIMITS["title"]), nullable=False)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class UsageOptionsRow(Base):
    """A guild's choices about its usage data (``log_authors``: keep who asked a missed question)."""

    __tablename__ = "usage_guild_options"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    log_authors: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
