"""Who may use ``/topic-admin``: members with Manage Server, or the guild's configured moderator role.

The command group is hidden from everyone else by its default permissions, but a server can
change those in its integration settings, so every invocation is checked again here. A refusal
raises ``NotModeratorError`` (a ``CheckFailure``, so the one error path answers it ephemerally)
and is logged with who tried what where.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands
from discord.ext import commands

if TYPE_CHECKING:
    from bot.core.storage import GuildSettings
    from bot.core.storage.repository import TopicRepository

log = logging.getLogger(__name__)

NOT_MODERATOR: Final = ("Only moderators can use `/topic-admin`: members with **Manage Server**, or the "
                        "moderator role set with `/topic-admin config`.")
NOT_MANAGER: Final = "Only members with **Manage Server** can change the `/topic-admin` settings."


class NotModeratorError(app_commands.CheckFailure):
    """The member may not use this moderator command (the message says who may)."""


def can_manage_guild(interaction: discord.Interaction) -> bool:
    """Whether the member has Manage Server (or Administrator, which implies it) in this guild."""
    permissions = interaction.permissions
    return permissions.manage_guild or permissions.administrator


def has_role(user: discord.User | discord.Member, role_id: int | None) -> bool:
    if role_id is None or not isinstance(user, discord.Member):
        return False
    return any(role.id == role_id for role in user.roles)


def is_moderator(interaction: discord.Interaction, settings: GuildSettings) -> bool:
    """Manage Server, or the moderator role configured for this guild."""
    return can_manage_guild(interaction) or has_role(interaction.user, settings.moderator_role_id)


def _refuse(interaction: discord.Interaction, message: str) -> NotModeratorError:
    command = interaction.command.qualified_name if interaction.command is not None else "topic-admin"
    log.warning("refused /%s to user %s (%s) in guild %s: not a moderator", command, interaction.user.id,
                interaction.user, interaction.guild_id)
    return NotModeratorError(message)


async def check_moderator(interaction: discord.Interaction, repository: TopicRepository) -> GuildSettings:
    """The guild's settings if the member is a moderator; else ``NotModeratorError`` (logged)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage
    settings = await repository.guild_settings(interaction.guild_id)
    if not is_moderator(interaction, settings):
        raise _refuse(interaction, NOT_MODERATOR)
    return settings


def check_manager(interaction: discord.Interaction) -> None:
    """Manage Server only (changing who the moderators are); else ``NotModeratorError`` (logged)."""
    if not can_manage_guild(interaction):
        raise _refuse(interaction, NOT_MANAGER)


async def owns_the_bot(client: commands.Bot, user_id: int) -> bool:
    """Whether the user owns the application (its owner, or a member of its team), as Discord says."""
    # ``is_owner`` reads only the ``id`` of the user it is given.
    owner: bool = await client.is_owner(discord.Object(user_id))  # type: ignore[arg-type]
    return owner


async def still_moderator(client: discord.Client, repository: TopicRepository, guild_id: int,
                          user_id: int) -> bool | None:
    """Whether the user is still a moderator of the guild (Manage Server or its moderator role), as this
    bot sees them now; ``None`` when the bot cannot tell (it is not in the guild, or Discord is away)."""
    guild = client.get_guild(guild_id)
    if guild is None:
        return None
    try:
        member = guild.get_member(user_id) or await guild.fetch_member(user_id)
    except discord.NotFound:
        return False  # no longer a member of the server
    except discord.HTTPException:
        return None
    settings = await repository.guild_settings(guild_id)
    permissions = member.guild_permissions
    return permissions.manage_guild or permissions.administrator or has_role(member, settings.moderator_role_id)
