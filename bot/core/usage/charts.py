"""Usage statistics as a picture: what a chart shows (pure data) and its PNG (matplotlib, optional).

``usage_chart`` turns ``UsageStats`` into a ``Chart``: a title, three panels (questions per day,
answer rate per day, top topics), each with axis labels that carry their units, and a text
alternative for screen readers that states the same figures. ``chart_png`` draws it with
matplotlib's Agg backend (``pip install -e '.[charts]'``); without matplotlib,
``ChartsUnavailableError`` says how to install it and front ends keep their text charts.
The PNG carries its title and the text alternative as PNG text chunks ("Title", "Description").
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from importlib.util import find_spec
from typing import TYPE_CHECKING, Final, Literal

from bot.core.errors import MissingExtraError
from bot.core.usage.stats import UsageStats

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHARTS_EXTRA: Final = "pip install -e '.[charts]'"
MISSING_MATPLOTLIB: Final = f"charts as pictures need matplotlib; install it with: {CHARTS_EXTRA}"
#: Size of the picture: 8 × 9 inches at 100 dots per inch is 800 × 900 pixels.
FIGURE_INCHES: Final = (8.0, 9.0)
DOTS_PER_INCH: Final = 100
BAR_COLOUR: Final = "#3a6ea5"
MISS_COLOUR: Final = "#c0504d"
#: Day labels written under the axis at most (every n-th day is labelled on long periods).
MAX_DAY_LABELS: Final = 15
#: Up to this many days, each day's answer rate is marked with a dot as well as joined by the line.
MAX_MARKED_DAYS: Final = 31

PanelKind = Literal["bars", "line", "horizontal bars"]


class ChartsUnavailableError(MissingExtraError):
    """A picture was asked for but matplotlib is not installed."""


@dataclass(frozen=True)
class Series:
    name: str
    #: One value per label of the panel; ``nan`` where there is nothing to draw (no answer judged that day).
    values: tuple[float, ...]


@dataclass(frozen=True)
class Panel:
    title: str
    x_label: str
    y_label: str
    kind: PanelKind
    labels: tuple[str, ...]
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    panels: tuple[Panel, ...]
    #: The figures in words, for screen readers (an image's alt text, a Discord attachment's description).
    alt_text: str


def charts_available() -> bool:
    return find_spec("matplotlib") is not None


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.0%}"


def usage_chart(stats: UsageStats) -> Chart:
    """The chart of ``stats``: what it draws and the same figures in words."""
    period = f"{stats.since:%Y-%m-%d} to {stats.until:%Y-%m-%d}"
    days = tuple(f"{d.day:%m-%d}" for d in stats.per_day)
    per_day = Panel(
        "Questions per day", "day (UTC)", "questions (count)", "bars", days,
        (Series("asked", tuple(float(d.asks) for d in stats.per_day)),
         Series("missed", tuple(float(d.misses) for d in stats.per_day))))
    rate = Panel(
        "Answer rate per day", "day (UTC)", "answer rate (%)", "line", days,
        (Series("answer rate", tuple(math.nan if d.answer_rate is None else round(100 * d.answer_rate, 1)
                                     for d in stats.per_day)),))
    top = Panel(
        "Top topics", "questions answered (count)", "topic", "horizontal bars",
        tuple(title for title, _ in stats.top_topics),
        (Series("answered", tuple(float(count) for _, count in stats.top_topics)),))
    busy = [d for d in stats.per_day if d.asks]
    words = [f"Usage from {period}: {stats.asks} questions, answer rate {_percent(stats.answer_rate)} "
             f"({stats.answered} answered, {stats.misses} missed)."]
    words.append("Questions per day: " + ("; ".join(
        f"{d.day:%m-%d} {d.asks} ({d.misses} missed, answer rate {_percent(d.answer_rate)})" for d in busy)
        if busy else "none") + ".")
    words.append("Top topics: " + ("; ".join(f"{title} {count}" for title, count in stats.top_topics)
                                   if stats.top_topics else "none") + ".")
    return Chart(f"Usage from {period}", (per_day, rate, top), " ".join(words))


def chart_figure(chart: Chart) -> Figure:
    """``chart`` drawn on a matplotlib figure (Agg, no window, nothing global)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ChartsUnavailableError(MISSING_MATPLOTLIB) from error
    figure = Figure(figsize=FIGURE_INCHES, dpi=DOTS_PER_INCH, layout="constrained")
    figure.suptitle(chart.title, fontsize=14)
    for axes, panel in zip(figure.subplots(len(chart.panels), 1), chart.panels, strict=True):
        axes.set_title(panel.title, fontsize=12, loc="left")
        axes.set_xlabel(panel.x_label)
        axes.set_ylabel(panel.y_label)
        if not panel.labels:
            axes.text(0.5, 0.5, "nothing in this period", ha="center", va="center", transform=axes.transAxes)
            axes.set_xticks([])
            axes.set_yticks([])
            continue
        positions = list(range(len(panel.labels)))
        if panel.kind == "horizontal bars":
            [series] = panel.series
            axes.barh(positions, series.values, height=0.6, color=BAR_COLOUR, label=series.name)
            axes.set_ylim(len(positions) - 0.5 + max(0, 4 - len(positions)) / 2, -0.5 - max(0, 4 - len(positions)) / 2)
            axes.set_yticks(positions, [label[:32] for label in panel.labels])
            axes.xaxis.get_major_locator().set_params(integer=True)
            continue
        step = max(1, math.ceil(len(positions) / MAX_DAY_LABELS))
        axes.set_xticks(positions[::step], panel.labels[::step], rotation=45, ha="right")
        axes.set_xlim(-0.5, len(positions) - 0.5)
        if panel.kind == "line":
            [series] = panel.series
            axes.plot(positions, series.values, marker="o" if len(positions) <= MAX_MARKED_DAYS else "",
                      color=BAR_COLOUR, label=series.name)
            axes.set_ylim(0, 105)
            continue
        width = 0.8 / len(panel.series)
        for number, (series, colour) in enumerate(zip(panel.series, (BAR_COLOUR, MISS_COLOUR), strict=False)):
            axes.bar([p + (number - (len(panel.series) - 1) / 2) * width for p in positions], series.values,
                     width=width, color=colour, label=series.name)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(loc="best", framealpha=0.9)
    return figure


def chart_png(chart: Chart) -> bytes:
    """``chart`` as PNG bytes, its title and text alternative kept in the file's text chunks."""
    figure = chart_figure(chart)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A topic title in a script the default font lacks is drawn with boxes, not refused.
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        figure.savefig(buffer, format="png", metadata={"Title": chart.title, "Description": chart.alt_text,
                                                         "Software": "topicbot"})
    return buffer.getvalue()
