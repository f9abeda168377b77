"""Who may use /topic-admin: Manage Server, or the guild's moderator role; everyone else is refused."""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest

from bot.core.errors import TopicbotError
from bot.core.storage import GuildSettings
from bot.discord_adapter.cogs.admin import TopicAdminCog
from bot.discord_adapter.moderators import NOT_MANAGER, NOT_MODERATOR, NotModeratorError
from bot.discord_adapter.tree import report_error

GUILD_ID = 1
MOD_ROLE_ID = 77
PLAIN = discord.Permissions(send_messages=True, read_message_history=True, use_application_commands=True)


@pytest.fixture
def cog(bot: Any) -> TopicAdminCog:
    return TopicAdminCog(bot)


def member_interaction(make_interaction: Any, *, permissions: discord.Permissions = PLAIN,
                       role_ids: tuple[int, ...] = (), user_id: int = 100) -> Any:
    interaction = make_interaction(guild_id=GUILD_ID, user_id=user_id)
    interaction.permissions = permissions
    interaction.user.name = f"user{user_id}"
    roles = []
    for role_id in role_ids:
        role = create_autospec(discord.Role, instance=True)
        role.id = role_id
        roles.append(role)
    interaction.user.roles = roles
    return interaction


async def test_the_group_is_hidden_from_members_and_guild_only(cog: TopicAdminCog) -> None:
    group = cog.__cog_app_commands_group__
    assert group is not None and group.name == "topic-admin"
    assert group.default_permissions == discord.Permissions(manage_guild=True)
    assert group.guild_only


async def test_manage_server_may_use_the_commands(cog: TopicAdminCog, make_interaction: Any) -> None:
    interaction = member_interaction(make_interaction, permissions=discord.Permissions(manage_guild=True))
    assert await cog.interaction_check(interaction) is True


async def test_administrator_may_use_the_commands(cog: TopicAdminCog, make_interaction: Any) -> None:
    interaction = member_interaction(make_interaction, permissions=discord.Permissions(administrator=True))
    assert await cog.interaction_check(interaction) is True


async def test_the_configured_moderator_role_may_use_the_commands(cog: TopicAdminCog, make_interaction: Any) -> None:
    await cog.bot.services.repository.save_guild_settings(GuildSettings(GUILD_ID, MOD_ROLE_ID))
    interaction = member_interaction(make_interaction, role_ids=(5, MOD_ROLE_ID))
    assert await cog.interaction_check(interaction) is True


async def test_a_plain_member_is_refused_ephemerally_and_the_attempt_logged(
    cog: TopicAdminCog, make_interaction: Any, sent_kwargs: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await cog.bot.services.repository.save_guild_settings(GuildSettings(GUILD_ID, MOD_ROLE_ID))
    interaction = member_interaction(make_interaction, role_ids=(5,), user_id=321)
    with caplog.at_level(logging.WARNING, logger="bot.discord_adapter.moderators"), \
            pytest.raises(NotModeratorError) as refused:
        await cog.interaction_check(interaction)
    assert any("321" in record.getMessage() and "refused" in record.getMessage() for record in caplog.records)

    await report_error(interaction, refused.value)  # what TopicTree.on_error does with it
    sent = sent_kwargs(interaction.response.send_message)
    assert sent["content"] == NOT_MODERATOR
    assert sent["ephemeral"] is True
    assert sent["allowed_mentions"].everyone is False


async def test_without_a_configured_role_only_manage_server_passes(cog: TopicAdminCog, make_interaction: Any) -> None:
    interaction = member_interaction(make_interaction, role_ids=(MOD_ROLE_ID,))
    with pytest.raises(NotModeratorError):
        await cog.interaction_check(interaction)


async def test_the_moderator_role_cannot_change_the_settings(
    cog: TopicAdminCog, make_interaction: Any
) -> None:
    repository = cog.bot.services.repository
    await repository.save_guild_settings(GuildSettings(GUILD_ID, MOD_ROLE_ID))
    interaction = member_interaction(make_interaction, role_ids=(MOD_ROLE_ID,))
    other_role = create_autospec(discord.Role, instance=True)
    other_role.id = 99
    with pytest.raises(NotModeratorError, match="Manage Server") as refused:
        await cog.config.callback(cog, interaction, moderator_role=other_role)
    assert str(refused.value) == NOT_MANAGER
    assert await repository.guild_settings(GUILD_ID) == GuildSettings(GUILD_ID, MOD_ROLE_ID)


async def test_config_stores_the_role_and_keeps_the_mod_log_channel_when_left_out(
    cog: TopicAdminCog, make_interaction: Any, sent_kwargs: Any
) -> None:
    repository = cog.bot.services.repository
    manager = discord.Permissions(manage_guild=True)
    role = create_autospec(discord.Role, instance=True)
    role.id = MOD_ROLE_ID
    role.mention = f"<@&{MOD_ROLE_ID}>"
    role.is_default.return_value = False
    channel = create_autospec(discord.TextChannel, instance=True)
    channel.id = 555
    first = member_interaction(make_interaction, permissions=manager)
    await cog.config.callback(cog, first, moderator_role=role, mod_log=channel)
    assert await repository.guild_settings(GUILD_ID) == GuildSettings(GUILD_ID, MOD_ROLE_ID, 555)
    reply = sent_kwargs(first.response.send_message)
    assert reply["ephemeral"] is True and "<#555>" in reply["content"]
    assert reply["allowed_mentions"].roles is False  # the role is named, not pinged

    role.id = 78
    await cog.config.callback(cog, member_interaction(make_interaction, permissions=manager), moderator_role=role)
    assert await repository.guild_settings(GUILD_ID) == GuildSettings(GUILD_ID, 78, 555)


async def test_everyone_cannot_be_the_moderator_role(cog: TopicAdminCog, make_interaction: Any) -> None:
    everyone = create_autospec(discord.Role, instance=True)
    everyone.id = GUILD_ID
    everyone.is_default.return_value = True
    interaction = member_interaction(make_interaction, permissions=discord.Permissions(manage_guild=True))
    with pytest.raises(TopicbotError, match="@everyone"):
        await cog.config.callback(cog, interaction, moderator_role=everyone)
    assert await cog.bot.services.repository.guild_settings(GUILD_ID) == GuildSettings(GUILD_ID)


async def test_an_expected_refusal_is_one_log_line_and_a_bug_keeps_its_traceback(
    cog: TopicAdminCog, make_interaction: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 23, item 29: no traceback for a member who is not a moderator (only with -v, at debug)."""
    await cog.bot.services.repository.save_guild_settings(GuildSettings(GUILD_ID, MOD_ROLE_ID))
    interaction = member_interaction(make_interaction, role_ids=(5,), user_id=321)
    with pytest.raises(NotModeratorError) as refused:
        await cog.interaction_check(interaction)
    with caplog.at_level(logging.INFO, logger="bot.discord_adapter.tree"):
        await report_error(interaction, refused.value)
    logged = [r for r in caplog.records if r.name == "bot.discord_adapter.tree"]
    assert len(logged) == 1 and logged[0].levelno == logging.WARNING and logged[0].exc_info is None
    caplog.clear()
    try:
        raise RuntimeError("a bug")
    except RuntimeError as bug:
        with caplog.at_level(logging.INFO, logger="bot.discord_adapter.tree"):
            await report_error(member_interaction(make_interaction, role_ids=(5,), user_id=321), bug)
    logged = [r for r in caplog.records if r.name == "bot.discord_adapter.tree"]
    assert logged[0].levelno == logging.ERROR and logged[0].exc_info is not None


async def test_the_dashboard_asks_the_bot_whether_a_user_is_still_a_moderator(cog: TopicAdminCog) -> None:
    """Issue 23, item 18: the role is re-checked through the bot's view of the member."""
    from types import SimpleNamespace

    from bot.discord_adapter.moderators import still_moderator

    def member(manage: bool) -> SimpleNamespace:
        return SimpleNamespace(guild_permissions=SimpleNamespace(manage_guild=manage, administrator=False), roles=[])

    members = {1: member(True), 2: member(False)}
    guild = SimpleNamespace(get_member=members.get)
    client = SimpleNamespace(get_guild=lambda gid: guild if gid == GUILD_ID else None)
    repository = cog.bot.services.repository
    assert await still_moderator(client, repository, GUILD_ID, 1) is True  # type: ignore[arg-type]
    assert await still_moderator(client, repository, GUILD_ID, 2) is False  # type: ignore[arg-type]
    assert await still_moderator(client, repository, 999, 1) is None  # type: ignore[arg-type]
