"""The tables of the topic store, as SQLAlchemy 2 typed ORM rows.

Rows are storage detail: only ``bot.core.storage`` reads or writes them; everything else works on
the frozen dataclasses of ``bot.core.model``. Relationships never load implicitly (``lazy="raise"``).

Titles are unique per scope by ``title_key``: case-insensitively, after NFKC normalisation and without
invisible format characters, so names that look the same are the same (migration 0003 rekeyed old
rows). A guild's topics have ``scope_key == guild_id``; global topics have ``guild_id`` NULL and
``scope_key == 0`` (Discord snowflakes are never 0). The key is a real column because PostgreSQL
treats NULLs as distinct in unique constraints.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.core.model import LIMITS
from bot.core.names import name_key

GLOBAL_SCOPE: Final = 0

NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def scope_key(guild_id: int | None) -> int:
    """The non-null scope column value for a guild id (``None`` means global)."""
    return GLOBAL_SCOPE if guild_id is None else guild_id


def title_key(title: str) -> str:
    """The key titles are unique by: case-insensitive, NFKC, invisible characters ignored (``name_key``)."""
    return name_key(title)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored in UTC on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:  # noqa: ANN401
        if value is None:
            return None
        assert isinstance(value, datetime)  # noqa: S101 - the column type guarantees it
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TopicRow(Base):
    __tablename__ = "topics"
    # AUTOINCREMENT on SQLite: ids of removed topics are never reused, since revisions keep them.
    __table_args__ = (UniqueConstraint("scope_key", "title_key"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    scope_key: Mapped[int] = mapped_column(BigInteger, nullable=False)
    title: Mapped[str] = mapped_column(String(LIMITS["title"]), nullable=False)
    title_key: Mapped[str] = mapped_column(String(2 * LIMITS["title"]), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    first_mentioned: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_updated: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    research_retrieved: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(200), nullable=False)


class AttributeRow(Base):
    __tablename__ = "topic_attributes"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(LIMITS["attribute_name"]), nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class TimelineEventRow(Base):
    __tablename__ = "topic_timeline_events"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str | None] = mapped_column(String(LIMITS["event_source"]), nullable=True)


class BackgroundSectionRow(Base):
    __tablename__ = "topic_background_sections"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    heading: Mapped[str] = mapped_column(String(LIMITS["section_heading"]), nullable=False)
    paragraph: Mapped[str] = mapped_column(Text, nullable=False)


class WebResultRow(Base):
    __tablename__ = "topic_web_results"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(LIMITS["result_title"]), nullable=False)
    url: Mapped[str | None] = mapped_column(String(LIMITS["result_url"]), nullable=True)
    snippet: Mapped[str] = mapped_column(Text, nullable=False)


class AliasRow(Base):
    """Another name of a topic: ``derived`` from its text, or added by a ``moderator``."""

    __tablename__ = "topic_aliases"
    __table_args__ = (CheckConstraint("kind IN ('derived', 'moderator')", name="kind"),)

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    alias: Mapped[str] = mapped_column(String(LIMITS["alias"] * 2), nullable=False)


class RevisionRow(Base):
    """One change of a topic: who, when, and the full record text after it (before it, for removals).

    ``topic_id`` is the id the topic had (kept after removal, not a foreign key), so a history follows
    a topic through renames, and reverting a removal restores the topic under its old id.
    """

    __tablename__ = "topic_revisions"
    __table_args__ = (
        UniqueConstraint("topic_id", "version"),
        Index(None, "scope_key", "title_key"),
        CheckConstraint("action IN ('add', 'edit', 'remove', 'revert')", name="action"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic_id: Mapped[int] = mapped_column(Integer, nullable=False)
    guild_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    scope_key: Mapped[int] = mapped_column(BigInteger, nullable=False)
    title: Mapped[str] = mapped_column(String(LIMITS["title"]), nullable=False)
    title_key: Mapped[str] = mapped_column(String(2 * LIMITS["title"]), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    author: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    record_text: Mapped[str] = mapped_column(Text, nullable=False)
    aliases: Mapped[list[str]] = mapped_column(JSON, nullable=False)


class GuildSettingsRow(Base):
    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    moderator_role_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    mod_log_channel_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class HiddenTopicRow(Base):
    """A guild hides one global topic from its members."""

    __tablename__ = "hidden_topics"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)


class ChangeEventRow(Base):
    """One entry of the change log: every change, in the order the changes were committed.

    Written in the same transaction as the change it announces. ``id`` only grows (AUTOINCREMENT on
    SQLite; on PostgreSQL writers take a transaction-level advisory lock before inserting, so ids are
    committed in order) and each process follows the log by it. ``topic_id`` and ``version`` name the
    topic revision the change wrote (none for hide, unhide and settings). ``mod_log_claimed_by`` is the
    process that took on posting the change to the mod log, so it is posted once.
    """

    __tablename__ = "change_events"
    __table_args__ = (
        CheckConstraint("action IN ('add', 'edit', 'remove', 'revert', 'hide', 'unhide', 'settings')",
                        name="action"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    guild_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    topic_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str | None] = mapped_column(String(LIMITS["title"]), nullable=True)
    previous_title: Mapped[str | None] = mapped_column(String(LIMITS["title"]), nullable=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author_name: Mapped[str] = mapped_column(String(200), nullable=False)
    author_front_end: Mapped[str] = mapped_column(String(16), nullable=False)
    author_user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    mod_log_claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SignInKeyRow(Base):
    """The key dashboard sign-in links are signed with, made on first use and shared by every process."""

    __tablename__ = "sign_in_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    secret: Mapped[str] = mapped_column(String(128), nullable=False)


class UsedSignInLinkRow(Base):
    """A dashboard sign-in link that was used (links work once); kept until it would have expired anyway."""

    __tablename__ = "used_sign_in_links"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class DashboardSessionRow(Base):
    """A signed-in dashboard session, kept in the store: the cookie holds only its id (stored hashed)."""

    __tablename__ = "dashboard_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    user_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    user_name: Mapped[str] = mapped_column(String(200), nullable=False)
    owner: Mapped[bool] = mapped_column(Boolean, nullable=False)
    csrf: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)


class SyncFileRow(Base):
    """One record file of a folder ``topicbot sync`` keeps the store matching: its topic and its last
    good content (``digest``), or why its last version was refused (``error``)."""

    __tablename__ = "sync_files"

    folder: Mapped[str] = mapped_column(String(1000), primary_key=True)
    scope_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    title: Mapped[str | None] = mapped_column(String(LIMITS["title"]), nullable=True)
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ApiTokenRow(Base):
    """A guild's API token for pushing records over HTTP, kept hashed; revoked tokens stay listed."""

    __tablename__ = "api_tokens"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    label: Mapped[str] = mapped_column(String(100), nullable=False)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
