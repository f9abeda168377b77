"""Usage charts as pictures (bot/core/usage/charts.py): what is drawn is what the text says."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.usage.charts import ChartsUnavailableError, chart_figure, chart_png, usage_chart
from bot.core.usage.records import AskRecord, Outcome
from bot.core.usage.stats import UsageStats, compute_stats, stats_text
from tests.png_reading import read_png

pytest.importorskip("matplotlib")

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _ask(question: str, outcome: Outcome, topic: str | None = None, day: int = 0) -> AskRecord:
    return AskRecord(1, 2, question, outcome, "summary", topic, (), 0.9, T0 + timedelta(days=day))


def _stats() -> UsageStats:
    records = [
        _ask("a", "answered", "Fusion Power"), _ask("b", "answered", "Fusion Power"), _ask("c", "miss"),
        _ask("d", "answered", "Waymo", day=2), _ask("e", "feedback", "Waymo", day=2), _ask("f", "miss", day=2),
        _ask("g", "answered", "Fusion Power", day=3), _ask("lol", "chatter", day=3),
    ]
    return compute_stats(records, T0 - timedelta(days=3), T0 + timedelta(days=3))


def _section(text: str, heading: str) -> dict[str, str]:
    """``label -> figure`` of the lines under ``heading:`` in the text statistics (bars dropped)."""
    lines = text.split(f"\n{heading}:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    found = {}
    for line in lines:
        match = re.fullmatch(r"(.+?)\s+[\u2588-\u258f]*\s*(\d+%?)(?: \(.*\))?", line)
        assert match, line
        found[match.group(1).strip()] = match.group(2)
    return found


def test_the_drawn_bars_and_line_are_the_figures_the_text_shows() -> None:
    stats = _stats()
    text = stats_text(stats)
    figure = chart_figure(usage_chart(stats))
    per_day, rate, top = figure.axes

    asked = per_day.containers[0]
    drawn_per_day = {label.get_text(): int(bar.get_height())
                     for label, bar in zip(per_day.get_xticklabels(), asked, strict=True) if bar.get_height()}
    assert {day: str(n) for day, n in drawn_per_day.items()} == _section(text, "Questions per day") == {
        "03-01": "3", "03-03": "3", "03-04": "2"}
    missed = {label.get_text(): int(bar.get_height())
              for label, bar in zip(per_day.get_xticklabels(), per_day.containers[1], strict=True) if bar.get_height()}
    assert {day: str(n) for day, n in missed.items()} == _section(text, "Misses per day")

    [line] = rate.get_lines()
    drawn_rates = {label.get_text(): f"{value:.0f}%" for label, value in zip(
        rate.get_xticklabels(), line.get_ydata(), strict=True) if value == value}  # nan: no answer judged
    assert drawn_rates == _section(text, "Answer rate per day") == {"03-01": "67%", "03-03": "33%", "03-04": "100%"}

    drawn_top = {label.get_text(): str(int(bar.get_width()))
                 for label, bar in zip(top.get_yticklabels(), top.containers[0], strict=True)}
    assert drawn_top == _section(text, "Top topics") == {"Fusion Power": "3", "Waymo": "1"}


def test_the_chart_has_a_title_axes_with_units_and_a_text_alternative() -> None:
    stats = _stats()
    chart = usage_chart(stats)
    figure = chart_figure(chart)
    assert figure.get_suptitle() == "Usage from 2026-02-26 to 2026-03-04"
    labels = [(axes.get_title(loc="left"), axes.get_xlabel(), axes.get_ylabel()) for axes in figure.axes]
    assert labels == [("Questions per day", "day (UTC)", "questions (count)"),
                      ("Answer rate per day", "day (UTC)", "answer rate (%)"),
                      ("Top topics", "questions answered (count)", "topic")]
    assert chart.alt_text.startswith("Usage from 2026-02-26 to 2026-03-04: 8 questions, answer rate 57% "
                                     "(4 answered, 3 missed).")
    assert "03-01 3 (1 missed, answer rate 67%)" in chart.alt_text
    assert "Top topics: Fusion Power 3; Waymo 1." in chart.alt_text
    assert stats_text(stats).startswith("8 questions from 2026-02-26 to 2026-03-04; answer rate 57% "
                                        "(4 answered, 3 missed)")


def test_the_png_is_valid_and_carries_its_title_and_text_alternative() -> None:
    chart = usage_chart(_stats())
    png = read_png(chart_png(chart))
    assert (png.width, png.height) == (800, 900)
    assert png.text["Title"] == chart.title
    assert png.text["Description"] == chart.alt_text


def test_an_empty_period_still_draws_with_nothing_to_show() -> None:
    stats = compute_stats([], T0 - timedelta(days=1), T0)
    chart = usage_chart(stats)
    assert "0 questions, answer rate n/a" in chart.alt_text and "Top topics: none." in chart.alt_text
    assert read_png(chart_png(chart)).width == 800


def test_without_matplotlib_a_picture_is_refused_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ChartsUnavailableError, match=r"pip install -e '\.\[charts\]'"):
        chart_png(usage_chart(_stats()))
