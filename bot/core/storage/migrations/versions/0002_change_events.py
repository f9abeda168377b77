"""The change log: one row per change, written with it, followed by every process.

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("previous_title", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_front_end", sa.String(length=16), nullable=False),
        sa.Column("author_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mod_log_claimed_by", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "action IN ('add', 'edit', 'remove', 'revert', 'hide', 'unhide', 'settings')",
            name=op.f("ck_change_events_action"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_events")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("change_events")
