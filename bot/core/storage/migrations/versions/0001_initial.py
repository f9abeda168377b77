"""Initial schema: topics and their parts, aliases, revisions, guild settings, hidden topics.

Revision ID: 0001
Revises: (none)
Create Date: 2026-01-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("moderator_role_id", sa.BigInteger(), nullable=True),
        sa.Column("mod_log_channel_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_guild_settings")),
    )
    op.create_table(
        "topic_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("scope_key", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_key", sa.String(length=400), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record_text", sa.Text(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.CheckConstraint("action IN ('add', 'edit', 'remove', 'revert')", name=op.f("ck_topic_revisions_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_revisions")),
        sa.UniqueConstraint("topic_id", "version", name=op.f("uq_topic_revisions_topic_id_version")),
    )
    with op.batch_alter_table("topic_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_topic_revisions_scope_key_title_key"), ["scope_key", "title_key"], unique=False
        )

    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("scope_key", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_key", sa.String(length=400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("first_mentioned", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("research_retrieved", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("scope_key", "title_key", name=op.f("uq_topics_scope_key_title_key")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topics_guild_id"), ["guild_id"], unique=False)

    op.create_table(
        "hidden_topics",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_hidden_topics_topic_id_topics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("guild_id", "topic_id", name=op.f("pk_hidden_topics")),
    )
    op.create_table(
        "topic_aliases",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.CheckConstraint("kind IN ('derived', 'moderator')", name=op.f("ck_topic_aliases_kind")),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_topic_aliases_topic_id_topics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("topic_id", "kind", "position", name=op.f("pk_topic_aliases")),
    )
    op.create_table(
        "topic_attributes",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_topic_attributes_topic_id_topics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("topic_id", "position", name=op.f("pk_topic_attributes")),
    )
    op.create_table(
        "topic_background_sections",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("heading", sa.String(length=200), nullable=False),
        sa.Column("paragraph", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_topic_background_sections_topic_id_topics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("topic_id", "position", name=op.f("pk_topic_background_sections")),
    )
    op.create_table(
        "topic_timeline_events",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_topic_timeline_events_topic_id_topics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("topic_id", "position", name=op.f("pk_topic_timeline_events")),
    )
    op.create_table(
        "topic_web_results",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("snippet", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_topic_web_results_topic_id_topics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("topic_id", "position", name=op.f("pk_topic_web_results")),
    )


def downgrade() -> None:
    op.drop_table("topic_web_results")
    op.drop_table("topic_timeline_events")
    op.drop_table("topic_background_sections")
    op.drop_table("topic_attributes")
    op.drop_table("topic_aliases")
    op.drop_table("hidden_topics")
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topics_guild_id"))

    op.drop_table("topics")
    with op.batch_alter_table("topic_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_revisions_scope_key_title_key"))

    op.drop_table("topic_revisions")
    op.drop_table("guild_settings")
