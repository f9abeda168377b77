"""``topicbot misses`` and ``topicbot stats`` read the usage log; mistakes get one line and exit 2."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.storage import UsageStore, make_engine, make_session_factory, migrate
from bot.core.usage.misses import SuggestedAlias
from bot.core.usage.records import AskRecord, Candidate
from tests.png_reading import read_png


async def _seed(url: str) -> None:
    engine = make_engine(url)
    try:
        await migrate(engine)
        store = UsageStore(make_session_factory(engine))
        now = datetime.now(UTC) - timedelta(minutes=5)
        near = (Candidate("Skyleaf", 41.0),)
        await store.add_asks([
            AskRecord(5, 10, "skyleef", "miss", "none", None, near, 0.6, now),
            AskRecord(5, 10, "skyleef", "miss", "none", None, near, 0.6, now),
            AskRecord(5, 10, "who runs skyleaf", "answered", "attribute", "Skyleaf", near, 0.8, now),
        ])
        await store.suggest([SuggestedAlias(5, "skyleef", "Skyleaf")], now)
    finally:
        await engine.dispose()


def test_misses_and_stats_of_a_guild(cli: Callable[..., int], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("misses") == 0  # creates and migrates the store
    assert "No missed questions in the last 7 days." in capsys.readouterr().out
    asyncio.run(_seed(f"sqlite+aiosqlite:///{tmp_path / 'cli' / 'topics.db'}"))
    assert cli("misses", "--guild", "5") == 0
    out = capsys.readouterr().out
    assert "   2  skyleef  [miss; closest: Skyleaf (41)]" in out
    assert '"skyleef" \u2192 Skyleaf  (seen 1x)' in out
    assert cli("misses", "--guild", "5", "--json") == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["misses"][0]["count"] == 2
    assert payload["suggestions"][0]["topic"] == "Skyleaf"
    assert cli("stats", "--guild", "5", "--days", "2") == 0
    out = capsys.readouterr().out
    assert "3 questions" in out
    assert "answer rate 33%" in out
    assert cli("stats", "--guild", "5", "--json") == 0
    assert json.loads(capsys.readouterr().out)["top_topics"] == [["Skyleaf", 1]]


def test_stats_chart_writes_the_png_of_the_figures_printed(cli: Callable[..., int], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    assert cli("misses") == 0
    capsys.readouterr()
    asyncio.run(_seed(f"sqlite+aiosqlite:///{tmp_path / 'cli' / 'topics.db'}"))
    chart = tmp_path / "usage.png"
    assert cli("stats", "--guild", "5", "--days", "2", "--chart", str(chart)) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("3 questions from ") and "answer rate 33% (1 answered, 2 missed)" in captured.out
    assert f"chart written to {chart}" in captured.err
    description = read_png(chart.read_bytes()).text["Description"]
    assert "3 questions, answer rate 33% (1 answered, 2 missed)." in description
    today = datetime.now(UTC) - timedelta(minutes=5)
    assert f"Questions per day: {today:%m-%d} 3 (2 missed, answer rate 33%)." in description
    assert f"{today:%m-%d} 33% (1 of 3)" in captured.out
    assert "Top topics: Skyleaf 1." in description and "Skyleaf" in captured.out
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_stats_chart_mistakes_are_one_line(cli: Callable[..., int], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    assert cli("stats", "--chart", str(tmp_path / "no-such-folder" / "usage.png")) == 1
    err = capsys.readouterr().err
    assert "--chart: cannot write" in err and "no-such-folder" in err and "Traceback" not in err
    from bot.core.usage import charts

    monkeypatch.setattr(charts, "find_spec", lambda name: None)
    assert cli("stats", "--chart", str(tmp_path / "usage.png")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install -e '.[charts]'" in err
    assert not (tmp_path / "usage.png").exists()


def test_a_bad_period_is_one_line_and_exit_2(cli: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli("stats", "--days", "zero")
    assert raised.value.code == 2
    assert "must be a whole number of days" in capsys.readouterr().err


async def _suggest(url: str, guild: int | None, question: str, topic: str) -> int:
    engine = make_engine(url)
    try:
        store = UsageStore(make_session_factory(engine))
        await store.suggest([SuggestedAlias(guild, question, topic)], datetime.now(UTC))
        return (await store.suggestions(guild))[0].id
    finally:
        await engine.dispose()


def test_accepting_a_suggestion_adds_the_alias_and_rejecting_drops_it(
        cli: Callable[..., int], tmp_path: Path, records_dir: Callable[..., Path], make_topic: Callable[..., Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("import", str(records_dir(make_topic("Fusion Power")))) == 0
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli' / 'topics.db'}"
    first = asyncio.run(_suggest(url, 5, "sun in a box", "Fusion Power"))
    assert cli("show", "sun in a box") == 1
    capsys.readouterr()
    assert cli("misses", "--guild", "5", "--accept", str(first)) == 0
    assert '"sun in a box" now answers as Fusion Power' in capsys.readouterr().out
    assert cli("show", "sun in a box") == 0
    assert capsys.readouterr().out.startswith("Fusion Power")
    second = asyncio.run(_suggest(url, 5, "star jar", "Fusion Power"))
    assert cli("misses", "--guild", "5", "--reject", f"#{second}") == 0
    assert capsys.readouterr().out.startswith(f"Rejected #{second}")
    assert cli("misses", "--guild", "5", "--json") == 0
    assert json.loads(capsys.readouterr().out)["suggestions"] == []
    assert cli("misses", "--guild", "5", "--accept", str(second)) == 1
    assert f"no pending alias suggestion #{second} guild 5" in capsys.readouterr().err
