"""Autocomplete choices for a ``topic`` option, shared by every cog that takes one.

Read from the in-memory index (never a query per keystroke), at most 25, each name and value within
Discord's 100-character limit (long titles travel as hash keys, see ``topic_keys``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from bot.core.discord_limits import CHOICE_LIMIT, CHOICES_LIMIT
from bot.discord_adapter.replies import clip
from bot.discord_adapter.topic_keys import topic_key

if TYPE_CHECKING:
    from bot.core.engine import TopicIndex



def topic_choices(index: TopicIndex, current: str, guild_id: int | None) -> list[app_commands.Choice[str]]:
    """Fuzzy matches of ``current`` among the titles and aliases a guild sees ("Title (aka X)")."""
    pairs = index.autocomplete(current, guild_id=guild_id, limit=CHOICES_LIMIT)
    return [app_commands.Choice(name=clip(label, CHOICE_LIMIT), value=topic_key(title, CHOICE_LIMIT))
            for label, title in pairs[:CHOICES_LIMIT]]
