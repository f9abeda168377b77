"""Every front end asks through ``Services.ask``: the CLI's questions are recorded like Discord's, and
the dashboard, which answers none, never builds the answer index."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

import bot.services
from bot.config import Settings
from bot.core.storage import make_engine, make_session_factory
from bot.core.storage.usage import UsageStore
from bot.core.usage.records import AskRecord

RECORDS = Path(__file__).resolve().parents[1] / "data" / "records"


def _logged(url: str) -> list[AskRecord]:
    async def read() -> list[AskRecord]:
        engine = make_engine(url)
        try:
            return await UsageStore(make_session_factory(engine)).asks(None, datetime(2000, 1, 1, tzinfo=UTC))
        finally:
            await engine.dispose()

    return asyncio.run(read())


@pytest.fixture
def store_with_records(cli: Callable[..., int], tmp_path: Path) -> str:
    folder = tmp_path / "records"
    shutil.copytree(RECORDS, folder)
    assert cli("import", str(folder)) == 0
    return f"sqlite+aiosqlite:///{tmp_path / 'cli' / 'topics.db'}"


def test_questions_asked_on_the_command_line_are_recorded(
    cli: Callable[..., int], store_with_records: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("ask", "who runs waymo") == 0
    assert cli("ask", "zebra crossing etiquette in lisbon") == 0
    capsys.readouterr()
    logged = _logged(store_with_records)
    assert [(r.question, r.outcome, r.topic) for r in logged] == [
        ("who runs waymo", "answered", "Waymo"), ("zebra crossing etiquette in lisbon", "miss", None)]
    assert all(r.guild_id is None and r.user_id is None for r in logged)


def test_no_record_leaves_the_usage_log_alone(
    cli: Callable[..., int], store_with_records: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"q": "who runs waymo"}\n{"q": "starlink"}\n', encoding="utf-8")
    assert cli("ask", "--no-record", "--json", "--batch", str(batch)) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert _logged(store_with_records) == []


async def test_the_dashboard_serves_without_building_the_answer_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("starlette")
    from bot.cli import dashboard_command

    async def no_index(*_: object, **__: object) -> None:
        raise AssertionError("the dashboard built the answer index")

    served: list[object] = []

    async def serve(services: object, _: Settings, __: object = None) -> None:
        served.append(services)

    monkeypatch.setattr(bot.services, "open_index", no_index)
    monkeypatch.setattr("bot.dashboard.server.serve", serve)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'dash.db'}", knowledge_dir=RECORDS)
    await dashboard_command._serve(settings)
    assert len(served) == 1
    assert isinstance(served[0], bot.services.StoreServices)
    assert not isinstance(served[0], bot.services.Services)
