"""Discord's message-content rule for apps without the privileged MESSAGE_CONTENT intent.

Such apps get empty ``content``, ``embeds``, ``attachments``, ``components`` and ``poll`` except
for messages they sent, messages that mention them, and DMs.
"""

from __future__ import annotations

import copy
from typing import Any

GUILDS_INTENT = 1 << 0
GUILD_MESSAGES_INTENT = 1 << 9
DIRECT_MESSAGES_INTENT = 1 << 12
MESSAGE_CONTENT_INTENT = 1 << 15


def can_see_content(message: dict[str, Any], *, bot_id: str, intents: int) -> bool:
    if intents & MESSAGE_CONTENT_INTENT:
        return True
    if message.get("author", {}).get("id") == bot_id:
        return True
    if "guild_id" not in message:  # a DM
        return True
    return any(u.get("id") == bot_id for u in message.get("mentions", []))


def as_seen_by_bot(message: dict[str, Any], *, bot_id: str, intents: int) -> dict[str, Any]:
    """A copy of ``message`` with content fields blanked when the bot may not read them."""
    seen = copy.deepcopy(message)
    if not can_see_content(seen, bot_id=bot_id, intents=intents):
        seen["content"] = ""
        seen["embeds"] = []
        seen["attachments"] = []
        seen["components"] = []
        seen.pop("poll", None)
    referenced = seen.get("referenced_message")
    if isinstance(referenced, dict):
        seen["referenced_message"] = as_seen_by_bot(referenced, bot_id=bot_id, intents=intents)
    return seen
