"""What members asked that the bot could not answer, and usage statistics (``bot.core.usage``).

The miss log groups missed questions (most frequent first) with the topics they came closest to; a
moderator adds a question as another name of one of them, or starts a new topic from it. Alias
suggestions learnt from members' second tries are approved (the alias is added) or rejected here.
Every alias goes through ``TopicEditor`` like any other edit. Statistics are drawn as one PNG picture
(``/stats.png``, with matplotlib: the charts extra) or, without it, as inline SVG bar charts; each chart's
numbers are also in a table.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core import editing
from bot.core.moderation import ChangeResult
from bot.core.usage.charts import chart_png, charts_available, usage_chart
from bot.core.usage.queries import UsageQueries
from bot.dashboard.context import Dashboard, dashboard_of
from bot.dashboard.moderators import PageError, checked_form, moderator, number_of, scope_of, text_of, whole_number

PERIODS: Final = (1, 7, 30, 90)
#: Width in pixels of the longest bar of a chart.
BAR_PIXELS: Final = 400


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    width: int


def bars(rows: tuple[tuple[str, int], ...] | list[tuple[str, int]]) -> list[Bar]:
    """Chart rows scaled so the largest count is ``BAR_PIXELS`` wide."""
    largest = max((count for _, count in rows), default=0)
    return [Bar(label, count, round(BAR_PIXELS * count / largest) if largest else 0) for label, count in rows]


def _usage(dashboard: Dashboard) -> UsageQueries:
    if dashboard.usage is None:
        raise PageError(404, "The usage log is off ([usage] enabled = false), so there are no misses or statistics.")
    return dashboard.usage


def _days(request: Request) -> int:
    days = whole_number(request.query_params.get("days", "7"))
    return days if days in PERIODS else 7


async def misses_page(request: Request) -> Response:
    who = moderator(request)
    dashboard = dashboard_of(request)
    usage = _usage(dashboard)
    days = _days(request)
    groups = await usage.misses(who.guild_id, days=days, limit=200)
    own = {s.title.casefold() for s in await dashboard.repository.list(guild_id=who.guild_id, include_global=False)}
    suggestions = await usage.suggestions(who.guild_id)
    return dashboard.render(request, "misses.html", {
        "groups": groups, "days": days, "periods": PERIODS, "suggestions": suggestions,
        "scope_of": lambda title: "guild" if title.casefold() in own else "shared"})


async def _add_alias(dashboard: Dashboard, request: Request, scope_value: object, topic: str,
                     alias: str) -> ChangeResult:
    who = moderator(request)
    scope = scope_of(scope_value)
    who.check_may_change(scope)
    return await dashboard.editor.edit(topic, lambda t: editing.add_alias(t, alias), author=who.author,
                                       guild_id=who.guild_of(scope))


async def miss_alias_post(request: Request) -> Response:
    _, form = await checked_form(request)
    dashboard = dashboard_of(request)
    result = await _add_alias(dashboard, request, form.get("scope"), text_of(form.get("topic"), "topic"),
                              text_of(form.get("question"), "question"))
    return RedirectResponse(dashboard.link("/topic", scope=form.get("scope"), title=result.title,
                                           saved=result.version), status_code=303)


async def suggestion_post(request: Request) -> Response:
    who, form = await checked_form(request)
    dashboard = dashboard_of(request)
    usage = _usage(dashboard)
    suggestion = await usage.store.suggestion(number_of(form.get("id"), "suggestion"), who.guild_id)
    if suggestion is None:
        raise PageError(404, "That suggestion is not this server's, or no longer exists.")
    decision = form.get("decision")
    if decision == "accept":
        own = {s.title.casefold() for s in await dashboard.repository.list(guild_id=who.guild_id,
                                                                            include_global=False)}
        scope = "guild" if suggestion.topic.casefold() in own else "shared"
        await _add_alias(dashboard, request, scope, suggestion.topic, suggestion.question)
        await usage.store.decide(suggestion.id, who.guild_id, "accepted", dashboard.clock())
    elif decision == "reject":
        await usage.store.decide(suggestion.id, who.guild_id, "rejected", dashboard.clock())
    else:
        raise PageError(400, "Say whether to accept or reject the suggestion.")
    return RedirectResponse(dashboard.link("/misses"), status_code=303)


async def stats_page(request: Request) -> Response:
    who = moderator(request)
    dashboard = dashboard_of(request)
    days = _days(request)
    stats = await _usage(dashboard).stats(who.guild_id, days=days)
    rate = stats.answer_rate
    return dashboard.render(request, "stats.html", {
        "stats": stats, "days": days, "periods": PERIODS,
        "rate": None if rate is None else round(100 * rate),
        "picture": usage_chart(stats) if charts_available() else None,
        "charts": [
            ("questions-per-day", "Questions per day", bars([(d.day.isoformat(), d.asks) for d in stats.per_day
                                                             if d.asks])),
            ("misses-per-day", "Misses per day", bars([(d.isoformat(), n) for d, n in stats.misses_per_day])),
            ("top-topics", "Top topics", bars(stats.top_topics)),
            ("outcomes", "Answers by outcome", bars(stats.outcomes)),
            ("intents", "Answers by what was asked", bars(stats.intents)),
        ]})


async def stats_picture(request: Request) -> Response:
    """The statistics of the period as one PNG (questions per day, answer rate per day, top topics)."""
    who = moderator(request)
    dashboard = dashboard_of(request)
    if not charts_available():
        raise PageError(404, "Pictures of the statistics need matplotlib (pip install -e '.[charts]').")
    stats = await _usage(dashboard).stats(who.guild_id, days=_days(request))
    png = await asyncio.to_thread(chart_png, usage_chart(stats))
    return Response(png, media_type="image/png")
