"""``topicbot misses`` and ``topicbot stats``: what members asked that the bot could not answer, and usage.

Both read the usage log through ``bot.core.usage.queries.UsageQueries`` (the same queries the Discord
commands and the dashboard use). ``--guild`` picks a server; without it, asks made outside any server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.cli.options import guild_id
from bot.config import Settings

if TYPE_CHECKING:
    from bot.core.usage.misses import AliasSuggestion, MissGroup
    from bot.core.usage.queries import UsageQueries
    from bot.core.usage.stats import UsageStats

T = TypeVar("T")


async def with_usage(settings: Settings, work: Callable[[UsageQueries], Awaitable[T]]) -> T:
    """Run ``work`` against the configured store's usage log (migrated to the latest schema first)."""
    from bot.core.storage import UsageStore, make_engine, make_session_factory, migrate
    from bot.core.usage.queries import UsageQueries

    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
        return await work(UsageQueries(UsageStore(make_session_factory(engine))))
    finally:
        await engine.dispose()


async def decide_suggestion(settings: Settings, guild_id: int | None, suggestion_id: int, *, accept: bool,
                            author: str) -> str:
    """Accept (add the alias through ``TopicEditor``) or reject one suggestion; the line to print.

    The alias goes to the guild's own topic of that title when there is one, else to the shared topic
    (the operator of the command line may change shared topics; a guild's moderators may not).
    """
    from datetime import UTC, datetime

    from bot.core import editing
    from bot.core.changes import Author
    from bot.core.errors import EditError
    from bot.core.moderation import TopicEditor
    from bot.core.storage import TopicRepository, UsageStore, make_engine, make_session_factory, migrate

    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
        sessions = make_session_factory(engine)
        store = UsageStore(sessions)
        suggestion = await store.suggestion(suggestion_id, guild_id)
        if suggestion is None or suggestion.status != "pending":
            where = f"guild {guild_id}" if guild_id is not None else "outside any guild (use --guild ID)"
            raise EditError(f"no pending alias suggestion #{suggestion_id} {where}; `topicbot misses` lists them")
        now = datetime.now(UTC)
        if not accept:
            await store.decide(suggestion_id, guild_id, "rejected", now)
            return f"Rejected #{suggestion_id}: \"{suggestion.question}\" will not be suggested again."
        repository = TopicRepository(sessions, tz=settings.tz, limits=settings.limits.record_limits)
        stored = await repository.get(suggestion.topic, guild_id=guild_id)
        result = await TopicEditor(repository).edit(
            stored.title, lambda topic: editing.add_alias(topic, suggestion.question),
            author=Author(author, "cli"), guild_id=stored.guild_id)
        await store.decide(suggestion_id, guild_id, "accepted", now)
        return f"{result.headline()}: \"{suggestion.question}\" now answers as {result.title}."
    finally:
        await engine.dispose()


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise argparse.ArgumentTypeError(f"must be a whole number of days from 1 to 3650, got {text!r}")
    return int(text)


def _suggestion_id(text: str) -> int:
    if not text.lstrip("#").isdigit():
        raise argparse.ArgumentTypeError(f"must be a suggestion number as `topicbot misses` shows it, got {text!r}")
    return int(text.lstrip("#"))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", type=_days, default=7, metavar="N", help="the last N days (default 7)")
    parser.add_argument("--guild", type=guild_id, metavar="ID", help="a Discord server's id (default: no server)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    misses = subparsers.add_parser(
        "misses", help="questions the bot could not answer, grouped, and alias suggestions",
        description="Questions answered with no topic, a 'did you mean', low confidence, or marked 'not what I "
                    "asked', grouped by their normalised text (most frequent first) with the closest topics; "
                    "then the pending alias suggestions.",
    )
    _common(misses)
    decision = misses.add_mutually_exclusive_group()
    decision.add_argument("--accept", type=_suggestion_id, metavar="N",
                          help="accept alias suggestion #N: add it to its topic (then list again)")
    decision.add_argument("--reject", type=_suggestion_id, metavar="N", help="reject alias suggestion #N")
    misses.add_argument("--author", default="cli", help="name recorded in the revision (default: cli)")
    misses.set_defaults(handler=misses_command)
    stats = subparsers.add_parser(
        "stats", help="usage statistics: top topics, intents, answer rate, misses per day",
        description="Usage over the last N days: questions, answer rate, top topics, intents and misses per day.",
    )
    _common(stats)
    stats.add_argument("--chart", type=Path, metavar="FILE",
                       help="also write the statistics as a PNG picture to FILE (needs the charts extra)")
    stats.set_defaults(handler=stats_command)


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _group_json(group: MissGroup) -> dict[str, Any]:
    return {"question": group.question, "count": group.count, "last_seen": group.last_seen.isoformat(),
            "outcomes": list(group.outcomes), "candidates": [[c.title, c.score] for c in group.candidates]}


def _suggestion_json(suggestion: AliasSuggestion) -> dict[str, Any]:
    return {"id": suggestion.id, "alias": suggestion.question, "topic": suggestion.topic, "count": suggestion.count}


def misses_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.accept is not None or args.reject is not None:
        number = args.accept if args.accept is not None else args.reject
        _out(asyncio.run(decide_suggestion(settings, args.guild, number,
                                           accept=args.accept is not None, author=args.author)))
        return 0
    async def work(queries: UsageQueries) -> tuple[list[MissGroup], list[AliasSuggestion]]:
        return await queries.misses(args.guild, days=args.days), await queries.suggestions(args.guild)

    groups, suggestions = asyncio.run(with_usage(settings, work))
    if args.json:
        _out(json.dumps({"days": args.days, "guild": args.guild, "misses": [_group_json(g) for g in groups],
                         "suggestions": [_suggestion_json(s) for s in suggestions]}, ensure_ascii=False))
        return 0
    if not groups:
        _out(f"No missed questions in the last {args.days} days.")
    for group in groups:
        near = ", ".join(f"{c.title} ({c.score:.0f})" for c in group.candidates[:3]) or "no close topic"
        _out(f"{group.count:>4}  {group.question}  [{', '.join(group.outcomes)}; closest: {near}]")
    if suggestions:
        _out()
        _out("Alias suggestions (a miss, then the same member's answered question within a minute):")
        for suggestion in suggestions:
            _out(f"  #{suggestion.id}  \"{suggestion.question}\" \u2192 {suggestion.topic}  (seen {suggestion.count}x)")
        guild = f" --guild {args.guild}" if args.guild else ""
        _out(f"Decide with: topicbot misses{guild} --accept N (adds the alias) or --reject N")
    return 0


def _stats_json(stats: UsageStats) -> dict[str, Any]:
    return {"since": stats.since.isoformat(), "until": stats.until.isoformat(), "asks": stats.asks,
            "answered": stats.answered, "misses": stats.misses, "answer_rate": stats.answer_rate,
            "top_topics": [list(row) for row in stats.top_topics], "intents": [list(row) for row in stats.intents],
            "outcomes": [list(row) for row in stats.outcomes],
            "misses_per_day": [[day.isoformat(), count] for day, count in stats.misses_per_day],
            "per_day": [{"day": d.day.isoformat(), "asks": d.asks, "answered": d.answered, "misses": d.misses}
                        for d in stats.per_day]}


def stats_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.usage.charts import MISSING_MATPLOTLIB, ChartsUnavailableError, charts_available

    if args.chart is not None and not charts_available():
        raise ChartsUnavailableError(f"--chart: {MISSING_MATPLOTLIB}")

    async def work(queries: UsageQueries) -> UsageStats:
        return await queries.stats(args.guild, days=args.days)

    stats = asyncio.run(with_usage(settings, work))
    if args.json:
        _out(json.dumps(_stats_json(stats), ensure_ascii=False))
    else:
        from bot.core.usage.stats import stats_text

        _out(stats_text(stats))
    if args.chart is not None:
        _write_chart(stats, args.chart)
    return 0


def _write_chart(stats: UsageStats, path: Path) -> None:
    """The chart of ``stats`` as a PNG at ``path``, written to a temporary file and renamed into place."""
    from bot.core.errors import TopicbotError
    from bot.core.usage.charts import chart_png, usage_chart

    png = chart_png(usage_chart(stats))
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(png)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise TopicbotError(f"--chart: cannot write {path}: {error.strerror}") from None
    sys.stderr.write(f"chart written to {path} (PNG, {len(png):,} bytes)\n")
