"""The dashboard served by uvicorn beside the bot (``topicbot run`` with ``[dashboard] enabled``)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import urllib.request
from pathlib import Path

from bot.cli.run_command import _start_dashboard
from bot.config import load_settings
from bot.services import build_services


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our loopback server
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


async def test_run_serves_the_dashboard_when_enabled_and_frees_its_port_when_stopped(tmp_path: Path) -> None:
    (tmp_path / "no-knowledge").mkdir()
    port = _free_port()
    config = tmp_path / "topicbot.toml"
    config.write_text(f'[topicbot]\nknowledge_dir = "{(tmp_path / "no-knowledge").as_posix()}"\n'
                      f"[dashboard]\nenabled = true\nport = {port}\n", encoding="utf-8")
    settings = load_settings(config, {}, database_url=f"sqlite+aiosqlite:///{tmp_path / 'topics.db'}")
    services = await build_services(settings)
    try:
        assert _start_dashboard(services, load_settings(None, {}, database_url=settings.database_url)) is None
        serving = _start_dashboard(services, settings)
        assert serving is not None
        for _ in range(100):
            try:
                status, text = await asyncio.to_thread(_get, f"http://127.0.0.1:{port}/topics")
                break
            except OSError:
                await asyncio.sleep(0.05)
        else:
            raise AssertionError("the dashboard never answered")
        assert status == 401 and "/topic-admin dashboard" in text
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        with socket.socket() as again:  # the listening socket is closed (a restart can bind the port)
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", port))
    finally:
        await services.close()
