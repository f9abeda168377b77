"""``topicbot dashboard --sign-in-link`` and the ``[dashboard]`` settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


def test_a_sign_in_link_is_printed_for_a_guild(cli: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("dashboard", "--sign-in-link", "--guild", "5", "--user-name", "ann") == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("http://127.0.0.1:8080/sign-in?token=")


def test_a_sign_in_link_needs_a_guild(cli: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("dashboard", "--sign-in-link") == 2
    assert "--guild" in capsys.readouterr().err


def test_a_bad_port_is_one_line(cli: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("dashboard", "--port", "70000") == 2
    assert "--port must be from 1 to 65535" in capsys.readouterr().err


def test_dashboard_settings_are_read_and_checked(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[dashboard]\nenabled = true\nport = 9000\nbase_url = "https://x.example/tb/"\n',
                      encoding="utf-8")
    settings = load_settings(config, {})
    assert settings.dashboard.enabled and settings.dashboard.port == 9000
    assert settings.dashboard.public_url == "https://x.example/tb"
    assert load_settings(None, {}).dashboard.public_url == "http://127.0.0.1:8080"
    assert load_settings(None, {"TOPICBOT_DASHBOARD_SECRET": "s3"}).dashboard.secret == "s3"
    for bad, message in (('port = "http"', "port number"), ('base_url = "mods.example"', "dashboard's address"),
                         ("enabled = 1", "true or false"), ('host = ""', "host name")):
        config.write_text(f"[dashboard]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_settings(config, {})
