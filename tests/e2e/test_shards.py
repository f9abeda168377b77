"""Two ``topicbot run`` processes, each running other shards of one bot, on one PostgreSQL database.

A topic added through one process is answered by the other (the change feed: NOTIFY, then a
catch-up from the store), and the mod log gets exactly one message for it, not one per process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from fake_gateway import CHANNEL_MESSAGE_ROUTE, FakeDiscord
from fake_gateway.uploads import Upload
from harness import GUILD_COMMANDS_ROUTE, RECORDS_DIR, embed_of, require_services
from sqlalchemy import text
from sqlalchemy.engine import make_url
from test_run_command import run_env, topicbot_command

from bot.core.record_format import format_record, parse_record
from bot.core.storage import make_engine

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(120)]

SHARD_COUNT = 4
NEW_TITLE = "Sharded Kelp Farming"


@pytest.fixture
async def database_url(postgresql_backend: object) -> AsyncIterator[str]:
    """A PostgreSQL database of this test's own (``topicbot run`` takes a URL, not a schema)."""
    from tests.conftest import POSTGRES_URL

    name = f"topicbot_e2e_shards_{os.getpid()}"
    admin = make_engine(POSTGRES_URL)
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        async with admin.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url
    finally:
        async with admin.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@contextlib.asynccontextmanager
async def run_shards(fake: FakeDiscord, tmp_path: Path, url: str, shard_ids: str,
                     mod_log: int) -> AsyncIterator[asyncio.subprocess.Process]:
    """``topicbot run --shard-ids … --shard-count 4`` in a subprocess; SIGINT and awaited on exit."""
    folder = tmp_path / f"shards-{shard_ids.replace(',', '-')}"
    folder.mkdir()
    config = folder / "topicbot.toml"
    config.write_text(f'[topicbot]\nknowledge_dir = "{RECORDS_DIR.as_posix()}"\n\n'
                      f"[discord]\nmod_log_channel_id = {mod_log}\n", encoding="utf-8")
    env = run_env(fake, folder / "unused.db", fake.token)
    env["TOPICBOT_DATABASE_URL"] = url
    stderr = (folder / "stderr.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        *topicbot_command(), "--config", str(config), "run", "--shard-ids", shard_ids,
        "--shard-count", str(SHARD_COUNT), env=env, cwd=folder, stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
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


async def sessions_ready(fake: FakeDiscord, count: int, timeout: float = 30.0) -> None:
    async def wait() -> None:
        while sum(1 for s in fake.sessions if s.ready) < count:
            await asyncio.sleep(0.05)

    await asyncio.wait_for(wait(), timeout)


async def test_an_addition_through_one_process_is_answered_by_the_other_and_logged_once(
    tmp_path: Path, database_url: str
) -> None:
    require_services()
    async with FakeDiscord(callback_deadline=3.0) as fake:
        mod_log = fake.new_channel()
        async with run_shards(fake, tmp_path, database_url, "0,1", mod_log):
            # The first process seeds the store and, running shard 0, registers the commands.
            await fake.wait_for_route(GUILD_COMMANDS_ROUTE, guild_id=fake.guild_id, timeout=60)
            await sessions_ready(fake, 2)
            async with run_shards(fake, tmp_path, database_url, "2,3", mod_log) as second:
                await sessions_ready(fake, 4)
                assert sorted(s.shard for s in fake.sessions if s.shard) == [(n, SHARD_COUNT) for n in range(4)]
                assert len([r for r in fake.requests if r.is_route(GUILD_COMMANDS_ROUTE)]) == 1

                base = parse_record((RECORDS_DIR / "012_nuclear_fusion.txt").read_text(encoding="utf-8"))
                record = format_record(replace(base, title=NEW_TITLE, description=f"{NEW_TITLE} is a test topic.",
                                               summary=f"{NEW_TITLE}: added through shard 0."))
                mark = fake.mark()
                added = await fake.slash("topic-admin", {"file": Upload("kelp.txt", record.encode("utf-8"))},
                                         subcommand="add", user=fake.world.owner_user,
                                         channel_id=fake.new_channel(), shard_id=0)
                assert (await fake.wait_for_callback(added)).status == 200

                # Asked through shard 2, which the other process runs.
                deadline = asyncio.get_running_loop().time() + 10
                while True:
                    show = await fake.slash("topic", {"topic": NEW_TITLE}, subcommand="show",
                                            channel_id=fake.new_channel(), shard_id=2)
                    answer = (await fake.wait_for_callback(show)).json["data"]
                    title = (answer.get("embeds") or [{}])[0].get("title")
                    if title == NEW_TITLE or asyncio.get_running_loop().time() > deadline:
                        break
                    await asyncio.sleep(0.2)
                assert embed_of(answer)["title"] == NEW_TITLE, f"second process: {answer}"
                assert second.returncode is None

                await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=mod_log, after=mark, timeout=10)
                await asyncio.sleep(2.0)  # time for a second (wrong) post by the other process
                posts = [r for r in fake.requests[mark:] if r.is_route(CHANNEL_MESSAGE_ROUTE, channel_id=str(mod_log))]
                assert len(posts) == 1, [p.json for p in posts]
                assert NEW_TITLE in posts[0].json["content"]
