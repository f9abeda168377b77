"""JSON payloads in the shapes Discord sends (users, guild, channels, messages, interactions).

Only plain dicts: nothing here imports discord.py, so the fake cannot lean on the library it tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fake_gateway.snowflakes import SnowflakeFactory

Json = dict[str, Any]

TEXT_CHANNEL = 0
DM_CHANNEL = 1
# Every permission bit Discord defines today: the guild owner and the bot have them all.
ALL_PERMISSIONS = str((1 << 51) - 1)
MANAGE_MESSAGES = 1 << 13
MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
# @everyone: view, send, read history, embed links, attach files, use application commands.
MEMBER_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 16) | (1 << 14) | (1 << 15) | (1 << 31))
# The "Moderators" role adds Manage Messages, not Manage Server: a moderator role, not an admin.
MODERATOR_PERMISSIONS = str(int(MEMBER_PERMISSIONS) | MANAGE_MESSAGES)
# The "Managers" role adds Manage Server: its members may configure the bot without being moderators.
MANAGER_PERMISSIONS = str(int(MEMBER_PERMISSIONS) | MANAGE_GUILD)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: int, username: str, *, bot: bool = False) -> Json:
    return {
        "id": str(user_id),
        "username": username,
        "global_name": username.capitalize(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


def member(user_payload: Json, role_ids: list[int], *, permissions: str | None = None) -> Json:
    data: Json = {
        "user": user_payload,
        "roles": [str(r) for r in role_ids],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "nick": None,
    }
    if permissions is not None:
        data["permissions"] = permissions
    return data


def role(role_id: int, name: str, *, permissions: str, position: int, mentionable: bool = False) -> Json:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": permissions,
        "position": position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": False,
        "mentionable": mentionable,
        "flags": 0,
    }


def text_channel(channel_id: int, guild_id: int, name: str, position: int) -> Json:
    return {
        "id": str(channel_id),
        "type": TEXT_CHANNEL,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


@dataclass
class World:
    """The one guild the fake knows: its ids, roles, text channels and members."""

    ids: SnowflakeFactory
    application_id: int
    bot_user: Json
    owner_user: Json
    asker_user: Json
    guild_id: int
    everyone_role_id: int
    mod_role_id: int
    manager_role_id: int = 0
    channels: list[Json] = field(default_factory=list)
    extra_members: list[Json] = field(default_factory=list)

    @classmethod
    def create(cls, ids: SnowflakeFactory, *, channel_count: int) -> World:
        guild_id = ids.next()
        world = cls(
            ids=ids,
            application_id=ids.next(),
            bot_user=user(ids.next(), "topicbot", bot=True),
            owner_user=user(ids.next(), "owner"),
            asker_user=user(ids.next(), "asker"),
            guild_id=guild_id,
            everyone_role_id=guild_id,
            mod_role_id=ids.next(),
        )
        for position in range(channel_count):
            world.channels.append(text_channel(ids.next(), guild_id, f"general-{position}", position))
        world.manager_role_id = ids.next()
        return world

    @property
    def bot_id(self) -> int:
        return int(self.bot_user["id"])

    def roles(self) -> list[Json]:
        return [
            role(self.everyone_role_id, "@everyone", permissions=MEMBER_PERMISSIONS, position=0),
            role(self.mod_role_id, "Moderators", permissions=MODERATOR_PERMISSIONS, position=1, mentionable=True),
            role(self.manager_role_id, "Managers", permissions=MANAGER_PERMISSIONS, position=2),
        ]

    def add_user(self, username: str, *, role_ids: list[int] | None = None) -> Json:
        """A new guild member (e.g. ``role_ids=[world.mod_role_id]`` for a moderator); the user payload."""
        payload = user(self.ids.next(), username)
        self.extra_members.append(member(payload, role_ids or []))
        return payload

    def set_roles(self, user_payload: Json, role_ids: list[int]) -> None:
        """Give an added member (``add_user``) exactly these roles, as a server admin would."""
        found = next(m for m in self.extra_members if m["user"]["id"] == user_payload["id"])
        found["roles"] = [str(r) for r in role_ids]

    def role_ids_of(self, user_payload: Json) -> list[int]:
        if user_payload["id"] == self.owner_user["id"]:
            return [self.mod_role_id]
        found = next((m for m in self.extra_members if m["user"]["id"] == user_payload["id"]), None)
        return [int(r) for r in found["roles"]] if found else []

    def permissions_of(self, user_payload: Json) -> int:
        """Guild permissions as Discord computes them: owner → all; else @everyone's and the roles' bits."""
        if user_payload["id"] == self.owner_user["id"]:
            return int(ALL_PERMISSIONS)
        roles = {int(r["id"]): int(r["permissions"]) for r in self.roles()}
        bits = roles[self.everyone_role_id]
        for role_id in self.role_ids_of(user_payload):
            bits |= roles.get(role_id, 0)
        return int(ALL_PERMISSIONS) if bits & ADMINISTRATOR else bits

    def member_of(self, user_payload: Json) -> Json:
        """The member payload for a user, with the ``permissions`` field interactions carry."""
        return member(user_payload, self.role_ids_of(user_payload), permissions=str(self.permissions_of(user_payload)))

    def channel(self, channel_id: int) -> Json | None:
        return next((c for c in self.channels if int(c["id"]) == channel_id), None)

    def application(self) -> Json:
        return {
            "id": str(self.application_id),
            "name": "Topicbot (fake)",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner_user,
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "summary": "",
            "interactions_endpoint_url": None,
            "bot": self.bot_user,
        }

    def guild(self) -> Json:
        members = [
            member(self.bot_user, []),
            member(self.owner_user, self.role_ids_of(self.owner_user)),
            member(self.asker_user, []),
            *self.extra_members,
        ]
        return {
            "id": str(self.guild_id),
            "name": "Topicbot test guild",
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": self.owner_user["id"],
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": self.roles(),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "unavailable": False,
            "large": False,
            "member_count": len(members),
            "joined_at": "2025-01-01T00:00:00+00:00",
            "members": members,
            "channels": [dict(c) for c in self.channels],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


def message(
    ids: SnowflakeFactory,
    *,
    channel_id: int,
    guild_id: int | None,
    author: Json,
    content: str = "",
    embeds: list[Json] | None = None,
    components: list[Json] | None = None,
    mentions: list[Json] | None = None,
    mention_roles: list[str] | None = None,
    mention_everyone: bool = False,
    flags: int = 0,
    message_reference: Json | None = None,
    referenced_message: Json | None = None,
    attachments: list[Json] | None = None,
    interaction_metadata: Json | None = None,
) -> Json:
    data: Json = {
        "id": ids.next_str(),
        "type": 19 if message_reference else (20 if interaction_metadata else 0),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": mentions or [],
        "mention_roles": mention_roles or [],
        "attachments": attachments or [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if message_reference is not None:
        data["message_reference"] = message_reference
        data["referenced_message"] = referenced_message
    if interaction_metadata is not None:
        data["interaction_metadata"] = interaction_metadata
    return data


def interaction(
    ids: SnowflakeFactory,
    world: World,
    *,
    kind: int,
    data: Json | None,
    channel_id: int,
    invoker: Json,
    message_payload: Json | None = None,
) -> Json:
    channel = world.channel(channel_id) or text_channel(channel_id, world.guild_id, "unknown", 99)
    payload: Json = {
        "id": ids.next_str(),
        "application_id": str(world.application_id),
        "type": kind,
        "token": f"itoken-{ids.next()}",
        "version": 1,
        "guild_id": str(world.guild_id),
        "guild": {"id": str(world.guild_id), "locale": "en-US", "features": []},
        "guild_locale": "en-US",
        "channel_id": str(channel_id),
        "channel": channel,
        "member": world.member_of(invoker),
        "app_permissions": ALL_PERMISSIONS,
        "locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(world.guild_id)},
        "context": 0,
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if data is not None:
        payload["data"] = data
    if message_payload is not None:
        payload["message"] = message_payload
    return payload
