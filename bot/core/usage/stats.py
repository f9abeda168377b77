"""Usage statistics over a period: top topics, intents, answer rate, misses per day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from bot.core.usage.records import AskRecord

BAR_WIDTH: Final = 20
TOP_TOPICS: Final = 10
#: Outcomes that are neither an answer nor a miss (left out of the answer rate).
_NOT_JUDGED: Final = frozenset({"list", "chatter"})


@dataclass(frozen=True)
class DayCounts:
    """One day's questions (UTC): asked, answered with a topic, and missed."""

    day: date
    asks: int
    answered: int
    misses: int

    @property
    def answer_rate(self) -> float | None:
        judged = self.answered + self.misses
        return self.answered / judged if judged else None


@dataclass(frozen=True)
class UsageStats:
    """Counts of one period. ``answer_rate`` is answered / (answered + misses); chatter and lists excluded."""

    since: datetime
    until: datetime
    asks: int
    answered: int
    misses: int
    top_topics: tuple[tuple[str, int], ...]
    intents: tuple[tuple[str, int], ...]
    outcomes: tuple[tuple[str, int], ...]
    misses_per_day: tuple[tuple[date, int], ...]
    #: Every day of the period, oldest first, days without questions included.
    per_day: tuple[DayCounts, ...] = ()

    @property
    def answer_rate(self) -> float | None:
        judged = self.answered + self.misses
        return self.answered / judged if judged else None


def compute_stats(records: Iterable[AskRecord], since: datetime, until: datetime) -> UsageStats:
    """The statistics of ``records`` (already restricted to the period and scope)."""
    topics: Counter[str] = Counter()
    intents: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    per_day: Counter[date] = Counter()
    asked_on: Counter[date] = Counter()
    answered_on: Counter[date] = Counter()
    asks = 0
    for record in records:
        asks += 1
        day = record.created_at.date()
        asked_on[day] += 1
        outcomes[record.outcome] += 1
        if record.outcome == "answered":
            answered_on[day] += 1
            if record.topic is not None:
                topics[record.topic] += 1
        if record.outcome in {"answered", "low_confidence", "list"}:
            intents[record.intent] += 1
        if record.is_miss:
            per_day[day] += 1
    misses = sum(count for outcome, count in outcomes.items() if outcome != "answered"
                 and outcome not in _NOT_JUDGED)
    days = [since.date() + timedelta(days=n) for n in range((until.date() - since.date()).days + 1)]
    return UsageStats(
        since, until, asks, outcomes["answered"], misses,
        tuple(sorted(topics.items(), key=lambda item: (-item[1], item[0]))[:TOP_TOPICS]),
        tuple(sorted(intents.items(), key=lambda item: (-item[1], item[0]))),
        tuple(sorted(outcomes.items(), key=lambda item: (-item[1], item[0]))),
        tuple(sorted(per_day.items())),
        tuple(DayCounts(day, asked_on[day], answered_on[day], per_day[day]) for day in days),
    )


def bar_lines(rows: Sequence[tuple[str, int]], width: int = BAR_WIDTH) -> list[str]:
    """``label ████▌ 12`` lines, bars scaled to the largest count (a text chart for embeds and terminals)."""
    if not rows:
        return []
    top = max(count for _, count in rows) or 1
    label_width = min(max(len(label) for label, _ in rows), 28)
    lines = []
    for label, count in rows:
        eighths = round(count / top * width * 8)
        bar = "\u2588" * (eighths // 8) + ("", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a",
                                             "\u2589")[eighths % 8]
        lines.append(f"{label[:label_width]:<{label_width}} {bar} {count}")
    return lines


def stats_text(stats: UsageStats) -> str:
    """The statistics as plain text with bar charts (the CLI prints it; Discord puts it in an embed)."""
    lines = [f"{stats.asks} questions from {stats.since:%Y-%m-%d} to {stats.until:%Y-%m-%d}; "
             f"answer rate {_percent(stats.answer_rate)} ({stats.answered} answered, "
             f"{stats.misses} missed)"]
    busy = [d for d in stats.per_day if d.asks]
    for heading, rows in (("Questions per day", tuple((f"{d.day:%m-%d}", d.asks) for d in busy)),
                          ("Top topics", stats.top_topics), ("Intents", stats.intents),
                          ("Misses per day", tuple((f"{day:%m-%d}", n) for day, n in stats.misses_per_day))):
        lines.append("")
        lines.append(f"{heading}:")
        lines.extend(bar_lines(rows) or ["(none)"])
    lines.append("")
    lines.append("Answer rate per day:")
    lines.extend([f"{d.day:%m-%d} {_percent(d.answer_rate)} ({d.answered} of {d.answered + d.misses})"
                  for d in busy] or ["(none)"])
    return "\n".join(lines)


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.0%}"
