"""``/topic-admin misses|stats|stale|purge-log|log-authors``: what the bot learnt from use, for moderators.

A mixin of ``TopicAdminCog`` (so the commands share its group, its moderator check and its replies);
it reads through ``services.usage`` (``bot.core.usage.queries``), the same queries the CLI and the
dashboard use.
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.discord_limits import ATTACHMENT_DESCRIPTION_LIMIT, EMBED_FIELD_VALUE_LIMIT, MESSAGE_LIMIT
from bot.core.usage.charts import Chart, chart_png, charts_available, usage_chart
from bot.core.usage.stale import stale_topics
from bot.core.usage.stats import UsageStats, bar_lines
from bot.discord_adapter.admin_views import ConfirmView, FormHandler
from bot.discord_adapter.replies import EMBED_COLOUR, clip, fit_embed, no_pings
from bot.discord_adapter.usage_views import MissesView

if TYPE_CHECKING:
    from bot.discord_adapter.client import TopicBot

log = logging.getLogger(__name__)

MAX_GROUPS: Final = 15
MAX_STALE: Final = 40
Days = app_commands.Range[int, 1, 365]
NO_LOG: Final = "The usage log is off here (`[usage] enabled = false`)."
CHART_FILE: Final = "usage.png"


def _guild(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage
    return interaction.guild_id


def _chart(rows: list[str]) -> str:
    return clip("```\n" + "\n".join(rows) + "\n```", EMBED_FIELD_VALUE_LIMIT) if rows else "(none)"


def _figures(rows: tuple[tuple[str, int], ...] | list[tuple[str, int]]) -> str:
    return clip("\n".join(f"{label} \u2014 {count}" for label, count in rows), EMBED_FIELD_VALUE_LIMIT) or "(none)"


def stats_embed(stats: UsageStats, days: int, *, pictured: bool = False) -> discord.Embed:
    """The statistics as an embed: with a picture (``pictured``), the figures as lines under it; without,
    text bar charts (top topics, intents, misses per day)."""
    rate = stats.answer_rate
    embed = discord.Embed(
        title=f"Usage over the last {days} days",
        description=(f"{stats.asks} questions \u00b7 answer rate {'n/a' if rate is None else f'{rate:.0%}'} "
                     f"({stats.answered} answered, {stats.misses} missed)"),
        colour=EMBED_COLOUR)
    per_day = [(f"{day:%m-%d}", count) for day, count in stats.misses_per_day]
    for name, rows in (("Top topics", stats.top_topics), ("Intents", stats.intents), ("Misses per day", per_day)):
        embed.add_field(name=name, value=_figures(rows) if pictured else _chart(bar_lines(rows, width=12)),
                        inline=False)
    if pictured:
        embed.set_image(url=f"attachment://{CHART_FILE}")
    return fit_embed(embed)


def chart_file(chart: Chart, png: bytes) -> discord.File:
    """The chart as an attachment, its text alternative as the attachment's description (alt text)."""
    return discord.File(io.BytesIO(png), filename=CHART_FILE,
                        description=clip(chart.alt_text, ATTACHMENT_DESCRIPTION_LIMIT))


class UsageAdminCommands(commands.Cog):
    """The usage commands of ``/topic-admin`` (a base of ``TopicAdminCog``, which puts them in its group)."""

    bot: TopicBot
    submit_add: FormHandler

    @app_commands.command(name="misses", description="Questions the bot could not answer, most frequent first")
    @app_commands.describe(days="How many days back (default 7)")
    async def misses(self, interaction: discord.Interaction, days: Days = 7) -> None:
        services = self.bot.services
        guild_id = _guild(interaction)
        groups = await services.usage.misses(guild_id, days=days, limit=MAX_GROUPS)
        suggestions = await services.usage.suggestions(guild_id)
        lines = [f"**Missed questions, last {days} days** ({len(groups)} shown)"] if groups else [
            f"No missed questions in the last {days} days."]
        for group in groups:
            near = ", ".join(f"{c.title} ({c.score:.0f})" for c in group.candidates[:2]) or "no close topic"
            lines.append(f"`{group.count:>3}\u00d7` {clip(group.question, 80)} \u2014 {', '.join(group.outcomes)}; "
                         f"closest: {near}")
        if suggestions:
            lines.append("\n**Alias suggestions** (a miss, then the same member's answered question within a minute)")
            lines.extend(f"\u2022 \u201c{s.question}\u201d \u2192 {s.topic} (seen {s.count}\u00d7)"
                         for s in suggestions[:10])
        if groups or suggestions:
            lines.append("-# Alias buttons are offered for this server's own topics; shared topics get "
                         "aliases from the bot's operator (`topicbot misses --accept`).")
        if services.recorder is None:
            lines.append(NO_LOG)
        view = MissesView(services, interaction.user.id, guild_id, groups, suggestions, self.submit_add)
        await interaction.response.send_message(clip("\n".join(lines), MESSAGE_LIMIT), ephemeral=True,
                                                view=view if view.children else discord.utils.MISSING,
                                                allowed_mentions=no_pings())

    @app_commands.command(name="stats", description="Usage: top topics, intents, answer rate, misses per day")
    @app_commands.describe(days="How many days back (default 7)")
    async def stats(self, interaction: discord.Interaction, days: Days = 7) -> None:
        guild_id = _guild(interaction)
        if not charts_available():
            stats = await self.bot.services.usage.stats(guild_id, days=days)
            await interaction.response.send_message(embed=stats_embed(stats, days), ephemeral=True,
                                                    allowed_mentions=no_pings())
            return
        # Drawing takes a moment (longer the first time, while matplotlib loads its fonts): defer first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = await self.bot.services.usage.stats(guild_id, days=days)
        chart = usage_chart(stats)
        png = await asyncio.to_thread(chart_png, chart)
        await interaction.followup.send(embed=stats_embed(stats, days, pictured=True), file=chart_file(chart, png),
                                        ephemeral=True, allowed_mentions=no_pings())

    @app_commands.command(name="stale", description="Topics not updated for a long time")
    async def stale(self, interaction: discord.Interaction) -> None:
        services = self.bot.services
        age = self.bot.stale_after
        found = stale_topics(services.index.topics(_guild(interaction)), datetime.now(UTC), age)
        if not found:
            text = f"No topic here is older than {age.days} days."
        else:
            lines = [f"**{len(found)} topics not updated for over {age.days} days** (oldest first)"]
            lines.extend(f"\u2022 {t.title} \u2014 last updated {discord.utils.format_dt(t.last_updated, 'R')}"
                         for t in found[:MAX_STALE])
            if len(found) > MAX_STALE:
                lines.append(f"\u2026 and {len(found) - MAX_STALE} more")
            text = "\n".join(lines)
        await interaction.response.send_message(clip(text, MESSAGE_LIMIT), ephemeral=True, allowed_mentions=no_pings())

    @app_commands.command(name="purge-log", description="Delete this server's usage log (misses, stats, suggestions)")
    async def purge_log(self, interaction: discord.Interaction) -> None:
        guild_id = _guild(interaction)
        services = self.bot.services

        async def confirmed(_click: discord.Interaction) -> str:
            if services.recorder is not None:
                await services.recorder.flush()
            removed = await services.usage_store.purge(guild_id)
            log.info("%s purged the usage log of guild %s (%d asks)", interaction.user.id, guild_id, removed)
            return f"Deleted this server's usage log: {removed} questions and their alias suggestions."

        await interaction.response.send_message(
            "Delete every question this server's members asked (misses, statistics, alias suggestions)? "
            "This cannot be undone.", ephemeral=True, allowed_mentions=no_pings(),
            view=ConfirmView(interaction.user.id, confirmed, confirm_label="Delete"))

    @app_commands.command(name="log-authors",
                          description="Keep who asked each question in the usage log (off by default)")
    @app_commands.describe(enabled="True: keep members' ids with their questions; False: never keep them")
    async def log_authors(self, interaction: discord.Interaction, enabled: bool) -> None:
        services = self.bot.services
        await services.usage_store.set_log_authors(_guild(interaction), enabled)
        if services.recorder is not None:
            services.recorder.options_changed()
        text = ("From now on the usage log keeps who asked each question." if enabled else
                "The usage log no longer keeps who asked (questions logged before keep theirs until purged).")
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=no_pings())
