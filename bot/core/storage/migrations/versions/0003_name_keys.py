"""Title keys by ``name_key``: NFKC, invisible format characters removed, case-folded.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Keys of existing topics and revisions were ``title.casefold()``; this recomputes them so that a
title and its look-alike ("Way\u200bmo") share a key. Titles whose new keys would collide in one
scope keep their old keys (the store cannot hold both under one key); renaming one fixes that.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.core.names import name_key

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rekey(table_name: str, unique: bool) -> None:
    table = sa.table(table_name, sa.column("id", sa.Integer), sa.column("scope_key", sa.BigInteger),
                     sa.column("title", sa.String), sa.column("title_key", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(table.c.id, table.c.scope_key, table.c.title, table.c.title_key)).all()
    taken = {(row.scope_key, row.title_key) for row in rows}
    for row in rows:
        key = name_key(row.title)
        if key == row.title_key:
            continue
        if unique and (row.scope_key, key) in taken:
            continue
        taken.add((row.scope_key, key))
        connection.execute(sa.update(table).where(table.c.id == row.id).values(title_key=key))


def upgrade() -> None:
    _rekey("topics", unique=True)
    _rekey("topic_revisions", unique=False)


def downgrade() -> None:
    connection = op.get_bind()
    for table_name in ("topics", "topic_revisions"):
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column("title", sa.String),
                         sa.column("title_key", sa.String))
        for row in connection.execute(sa.select(table.c.id, table.c.title)).all():
            connection.execute(sa.update(table).where(table.c.id == row.id).values(title_key=row.title.casefold()))
