"""Settings: frozen dataclasses read from a TOML file and the environment.

There is no module-level settings instance; entry points call ``load_settings`` and pass the
result down.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from bot.core.errors import TopicbotError

REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(TopicbotError):
    """The configuration file or environment holds a value that cannot be used."""


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("topicbot", appauthor=False))
    return f"sqlite+aiosqlite:///{data_dir / 'topicbot.db'}"


@dataclass(frozen=True)
class DiscordSettings:
    token: str | None = None
    api_base_url: str | None = None
    gateway_url: str | None = None
    test_guild_id: int | None = None
    cooldown_seconds: float = 60.0
    chatter_cooldown_seconds: float = 60.0
    mod_log_channel_id: int | None = None


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    knowledge_dir: Path = REPO_ROOT / "knowledge"
    timezone: str = "UTC"
    log_level: str = "INFO"
    discord: DiscordSettings = DiscordSettings()

    @property
    def tz(self) -> tzinfo:
        if self.timezone.upper() == "UTC":
            return UTC
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"unknown timezone {self.timezone!r} in [topicbot] timezone") from exc


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"[{name}] must be a table")
    return value


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from ``path`` (TOML, optional) and then ``environ`` (which wins)."""
    env = os.environ if environ is None else environ
    data: Mapping[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file {path} does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    core = _section(data, "topicbot")
    disc = _section(data, "discord")
    settings = Settings()
    try:
        if "database_url" in core:
            settings = replace(settings, database_url=str(core["database_url"]))
        if "knowledge_dir" in core:
            knowledge = Path(str(core["knowledge_dir"])).expanduser()
            if not knowledge.is_absolute() and path is not None:
                knowledge = path.parent / knowledge
            settings = replace(settings, knowledge_dir=knowledge)
        if "timezone" in core:
            settings = replace(settings, timezone=str(core["timezone"]))
        if "log_level" in core:
            settings = replace(settings, log_level=str(core["log_level"]).upper())
        discord_settings = DiscordSettings(
            token=_optional_str(disc.get("token")),
            test_guild_id=_optional_int(disc.get("test_guild_id")),
            cooldown_seconds=float(disc.get("cooldown_seconds", 60.0)),
            chatter_cooldown_seconds=float(disc.get("chatter_cooldown_seconds", 60.0)),
            mod_log_channel_id=_optional_int(disc.get("mod_log_channel_id")),
        )
        if env.get("TOPICBOT_DATABASE_URL"):
            settings = replace(settings, database_url=env["TOPICBOT_DATABASE_URL"])
        discord_settings = replace(
            discord_settings,
            token=env.get("DISCORD_TOKEN") or discord_settings.token,
            api_base_url=env.get("DISCORD_API_BASE_URL") or None,
            gateway_url=env.get("DISCORD_GATEWAY_URL") or None,
            test_guild_id=_optional_int(env.get("DISCORD_TEST_GUILD_ID")) or discord_settings.test_guild_id,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid setting: {exc}") from exc
    settings = replace(settings, discord=discord_settings)
    _ = settings.tz  # fail early on an unknown timezone
    return settings


def _optional_str(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _optional_int(value: object) -> int | None:
    if value in (None, ""):
        return None
    return int(str(value))
