"""``topicbot run`` as a new user would start it: a subprocess pointed at the fake by environment.

The one place the testing hooks are exercised exactly as documented: ``DISCORD_TOKEN``,
``DISCORD_API_BASE_URL``, ``DISCORD_GATEWAY_URL``, ``DISCORD_TEST_GUILD_ID`` and
``TOPICBOT_DATABASE_URL``, plus a ``--config`` whose ``knowledge_dir`` is the project's test records.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from fake_gateway import CHANNEL_MESSAGE_ROUTE, FakeDiscord
from harness import (
    GUILD_COMMANDS_ROUTE,
    RECORDS_DIR,
    SEED_TITLE,
    assert_every_message_is_safe,
    e2e_settings,
    embed_of,
    embed_text,
    find_ambiguous_question,
    pick_buttons,
    require_services,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """Like the shared fixture, but holding the bot to Discord's 3 s window for the first callback."""
    async with FakeDiscord(callback_deadline=3.0) as server:
        yield server


REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_QUESTION = "what is AI training data?"


def topicbot_command() -> list[str]:
    script = Path(sys.executable).with_name("topicbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def run_env(fake: FakeDiscord, database: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "TOPICBOT_"))}
    env.update(
        DISCORD_TOKEN=token,
        DISCORD_API_BASE_URL=fake.api_base_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DISCORD_TEST_GUILD_ID=str(fake.guild_id),
        TOPICBOT_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
    )
    return env


def write_config(directory: Path) -> Path:
    config = directory / "topicbot.toml"
    config.write_text(f'[topicbot]\nknowledge_dir = "{RECORDS_DIR.as_posix()}"\nlog_level = "INFO"\n', encoding="utf-8")
    return config


@contextlib.asynccontextmanager
async def topicbot_run(fake: FakeDiscord, tmp_path: Path, *, token: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """``topicbot --config … run`` in a subprocess; interrupted (SIGINT) and awaited on exit."""
    stderr = (tmp_path / "stderr.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        *topicbot_command(),
        "--config",
        str(write_config(tmp_path)),
        "run",
        env=run_env(fake, tmp_path / "topics.db", token),
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=stderr,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        stderr.close()


def stderr_of(tmp_path: Path) -> str:
    return (tmp_path / "stderr.log").read_text(encoding="utf-8", errors="replace")


async def test_topicbot_run_registers_commands_and_answers(fake: FakeDiscord, tmp_path: Path) -> None:
    require_services()
    from bot.services import build_services

    # The same core over the same records, in-process, to pick a question the bot will disambiguate.
    services = await build_services(e2e_settings(fake, tmp_path / "probe.db"))
    try:
        question, _ = find_ambiguous_question(lambda q: services.answerer.answer(q, guild_id=fake.guild_id))
    finally:
        await services.close()
    async with topicbot_run(fake, tmp_path, token=fake.token) as process:
        try:
            sync = await fake.wait_for_route(GUILD_COMMANDS_ROUTE, guild_id=fake.guild_id, timeout=45)
        except AssertionError:
            raise AssertionError(
                f"no command sync; exit {process.returncode}; stderr:\n{stderr_of(tmp_path)}"
            ) from None
        assert {c["name"] for c in sync.json} >= {"ask", "topic", "Ask Topicbot"}
        await fake.wait_until_connected(timeout=20)
        mark = fake.mark()
        channel = fake.new_channel()

        ask = await fake.slash("ask", {"question": SEED_QUESTION}, channel_id=channel)
        answered = await fake.wait_for_callback(ask)
        assert answered.json["type"] == 4
        assert embed_of(answered.json["data"])["title"] == SEED_TITLE

        typing = await fake.autocomplete(
            "topic", {"topic": "trainng"}, focused="topic", subcommand="show", channel_id=channel
        )
        choices = (await fake.wait_for_callback(typing)).json["data"]["choices"]
        assert any(c["name"].startswith(SEED_TITLE) for c in choices)

        other = fake.new_channel()
        asked = await fake.send_message(f"<@{fake.bot_id}> {SEED_QUESTION}", channel_id=other)
        reply = await fake.wait_for(
            lambda r: (
                r.route == CHANNEL_MESSAGE_ROUTE
                and str((r.json or {}).get("message_reference", {}).get("message_id")) == asked["id"]
            )
        )
        assert embed_of(reply.json)["title"] == SEED_TITLE
        assert "voice will NOT be supported" not in stderr_of(tmp_path)  # Topicbot uses no voice

        ambiguous = await fake.slash("ask", {"question": question}, channel_id=channel)
        offered = fake.message_of(await fake.wait_for_callback(ambiguous))
        picks = pick_buttons(offered)
        assert len(picks) >= 2, f"expected candidate buttons, got {offered}"
        click = await fake.click(offered, picks[0]["custom_id"])
        picked = await fake.wait_for_callback(click)
        assert picked.json["type"] == 7
        assert embed_of(fake.message(offered["id"]))["title"] == picks[0]["label"]
        assert assert_every_message_is_safe(fake, after=mark) == 4
    assert process.returncode is not None


async def test_topicbot_run_with_a_rejected_token_fails_fast_and_clearly(fake: FakeDiscord, tmp_path: Path) -> None:
    require_services()
    async with topicbot_run(fake, tmp_path, token="rejected-token") as process:
        code = await asyncio.wait_for(process.wait(), 45)
    assert code == 3
    assert "token" in stderr_of(tmp_path).lower()
    assert fake.requests[0].route == "GET /users/@me" and fake.requests[0].status == 401
    assert fake.state.identify is None  # never reached the gateway


async def run_cli(tmp_path: Path, fake: FakeDiscord, *args: str) -> str:
    """``topicbot --config … ARGS`` in another process, on the running bot's store; its stdout."""
    done = await asyncio.create_subprocess_exec(
        *topicbot_command(), "--config", str(tmp_path / "topicbot.toml"), *args,
        env=run_env(fake, tmp_path / "topics.db", fake.token), cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(done.communicate(), 60)
    assert done.returncode == 0, f"topicbot {' '.join(args)} exited {done.returncode}: {err.decode()}"
    return out.decode()


async def ask_until(fake: FakeDiscord, question: str, check: Callable[[str], bool], *, timeout: float = 10.0) -> str:
    """Ask ``/ask question`` (each time in a fresh channel) until the answer's text passes ``check``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        record = await fake.slash("ask", {"question": question}, channel_id=fake.new_channel())
        data = (await fake.wait_for_callback(record)).json["data"]
        answer = "\n".join([data.get("content") or "", *(embed_text(e) for e in data.get("embeds") or [])])
        if check(answer) or asyncio.get_running_loop().time() > deadline:
            return answer
        await asyncio.sleep(0.2)


async def test_cli_changes_from_another_process_are_answered_by_the_running_bot(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    require_services()
    async with topicbot_run(fake, tmp_path, token=fake.token):
        await fake.wait_for_route(GUILD_COMMANDS_ROUTE, guild_id=fake.guild_id, timeout=45)
        await fake.wait_until_connected(timeout=20)
        assert SEED_TITLE in await ask_until(fake, SEED_QUESTION, lambda text: SEED_TITLE in text)

        summary = "Edited from the command line while the bot runs."
        await run_cli(tmp_path, fake, "edit", SEED_TITLE, "--set-summary", summary, "--author", "ops")
        assert summary in await ask_until(fake, SEED_QUESTION, lambda text: summary in text)

        export = tmp_path / "export"
        await run_cli(tmp_path, fake, "export", str(export))
        await run_cli(tmp_path, fake, "remove", SEED_TITLE)
        assert SEED_TITLE not in await ask_until(fake, SEED_QUESTION, lambda text: SEED_TITLE not in text)

        record = next(p for p in export.iterdir() if p.read_text(encoding="utf-8").startswith(SEED_TITLE))
        folder = tmp_path / "reimport"
        folder.mkdir()
        (folder / record.name).write_bytes(record.read_bytes())
        await run_cli(tmp_path, fake, "import", str(folder))
        assert summary in await ask_until(fake, SEED_QUESTION, lambda text: summary in text)


async def test_sigterm_stops_the_bot_cleanly_and_keeps_the_last_asks(fake: FakeDiscord, tmp_path: Path) -> None:
    """Issue 23, item 1: a service manager's SIGTERM is a clean shutdown: exit 0, nothing of the
    usage log lost (the asks answered just before are in the store)."""
    require_services()
    from datetime import UTC, datetime

    from bot.core.storage import make_engine, make_session_factory
    from bot.core.storage.usage import UsageStore

    async with topicbot_run(fake, tmp_path, token=fake.token) as process:
        await fake.wait_for_route(GUILD_COMMANDS_ROUTE, guild_id=fake.guild_id, timeout=45)
        await fake.wait_until_connected(timeout=20)
        for n in range(3):
            ask = await fake.slash("ask", {"question": f"{SEED_QUESTION} ({n})"}, channel_id=fake.new_channel())
            await fake.wait_for_callback(ask)
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 30)
    assert code == 0, stderr_of(tmp_path)
    assert "Traceback" not in stderr_of(tmp_path)
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'topics.db'}")
    try:
        asks = await UsageStore(make_session_factory(engine)).asks(fake.guild_id, datetime(2000, 1, 1, tzinfo=UTC))
    finally:
        await engine.dispose()
    assert len([a for a in asks if a.question.startswith("what is ai training data")]) == 3


async def test_a_running_bot_answers_from_what_topicbot_sync_wrote(fake: FakeDiscord, tmp_path: Path) -> None:
    """Issue 21: a research pipeline's folder, synced by another process, is answered by the running bot."""
    require_services()
    folder = tmp_path / "research"
    folder.mkdir()
    record = next(p for p in RECORDS_DIR.iterdir() if p.read_text(encoding="utf-8").startswith(SEED_TITLE))
    text = record.read_text(encoding="utf-8")
    old = text.split("\nSummary\n\n", 1)[1].split("\n\n", 1)[0]
    new_summary = "Rewritten by the research pipeline overnight."
    async with topicbot_run(fake, tmp_path, token=fake.token):
        await fake.wait_for_route(GUILD_COMMANDS_ROUTE, guild_id=fake.guild_id, timeout=45)
        await fake.wait_until_connected(timeout=20)
        (folder / record.name).write_text(text.replace(old, new_summary, 1), encoding="utf-8")
        await asyncio.sleep(0.4)  # older than the "still being written" window
        out = await run_cli(tmp_path, fake, "sync", str(folder), "--verbose")
        assert f"~ {SEED_TITLE}" in out
        assert new_summary in await ask_until(fake, SEED_QUESTION, lambda answer: new_summary in answer)
