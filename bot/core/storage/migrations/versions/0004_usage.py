"""Learning from use: the ask log (misses and stats), alias suggestions, follows, usage options.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_asks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("scope_key", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("intent", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=True),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_asks")),
    )
    op.create_index(op.f("ix_usage_asks_scope_key_created_at"), "usage_asks", ["scope_key", "created_at"])
    op.create_index(op.f("ix_usage_asks_created_at"), "usage_asks", ["created_at"])
    op.create_table(
        "usage_alias_suggestions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("scope_key", sa.BigInteger(), nullable=False),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_alias_suggestions")),
        sa.UniqueConstraint("scope_key", "question", "topic",
                            name=op.f("uq_usage_alias_suggestions_scope_key_question_topic")),
    )
    op.create_table(
        "topic_follows",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("channel_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("title_key", sa.String(length=400), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "channel_id", "title_key", name=op.f("pk_topic_follows")),
    )
    op.create_table(
        "usage_guild_options",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("log_authors", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_usage_guild_options")),
    )


def downgrade() -> None:
    op.drop_table("usage_guild_options")
    op.drop_table("topic_follows")
    op.drop_table("usage_alias_suggestions")
    op.drop_index(op.f("ix_usage_asks_created_at"), table_name="usage_asks")
    op.drop_index(op.f("ix_usage_asks_scope_key_created_at"), table_name="usage_asks")
    op.drop_table("usage_asks")
