"""Messages the bot sends (channel messages, interaction responses, follow-ups), as Discord stores them."""

from __future__ import annotations

from fake_gateway.mentions import parse_mentions, pings
from fake_gateway.message_content import as_seen_by_bot
from fake_gateway.payloads import Json, message
from fake_gateway.recording import RecordedFile
from fake_gateway.state import FakeState, InteractionRecord

EPHEMERAL = 1 << 6
LOADING = 1 << 7


def create_bot_message(
    state: FakeState,
    channel_id: str,
    guild: int | None,
    payload: Json,
    files: tuple[RecordedFile, ...],
    referenced: Json | None,
    *,
    flags: int = 0,
    interaction: InteractionRecord | None = None,
) -> Json:
    replied_author = referenced["author"]["id"] if referenced else None
    pinged = pings(payload, replied_author_id=replied_author)
    users_in_content, roles_in_content, _ = parse_mentions(str(payload.get("content") or ""))
    known_users = {u["id"]: u for u in state.known_users()}
    attachments = [
        {
            "id": state.ids.next_str(),
            "filename": f.filename or "file",
            "size": len(f.data),
            "url": f"{state.base_url}/attachments/{f.filename}",
            "proxy_url": "",
            "content_type": f.content_type,
        }
        for f in files
    ]
    metadata = None
    if interaction is not None:
        invoker = interaction.payload["member"]["user"]
        metadata = {
            "id": interaction.id,
            "type": interaction.kind,
            "user": invoker,
            "authorizing_integration_owners": {},
        }
    sent = message(
        state.ids,
        channel_id=int(channel_id),
        guild_id=guild,
        author=state.world.bot_user,
        content=str(payload.get("content") or ""),
        embeds=payload.get("embeds") or [],
        components=payload.get("components") or [],
        mentions=[known_users[u] for u in pinged.users if u in known_users],
        mention_roles=sorted(pinged.roles),
        mention_everyone=pinged.everyone,
        flags=flags | int(payload.get("flags") or 0),
        message_reference=(
            {
                "type": 0,
                "message_id": referenced["id"],
                "channel_id": referenced["channel_id"],
                **({"guild_id": str(guild)} if guild else {}),
            }
            if referenced
            else None
        ),
        referenced_message=referenced,
        attachments=attachments,
        interaction_metadata=metadata,
    )
    sent["allowed_mentions"] = payload.get("allowed_mentions")
    sent["mentions_in_content"] = {"users": users_in_content, "roles": roles_in_content}
    return state.store_message(sent)


def for_bot(state: FakeState, msg: Json) -> Json:
    """``msg`` as the bot may read it (the message-content rule applied)."""
    return as_seen_by_bot(msg, bot_id=state.bot_id, intents=state.intents)
