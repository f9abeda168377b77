"""Settings: a typed model read from a TOML file and the environment.

Every key has a declared type and a parser that names the key in its error ("[discord]
cooldown_seconds must be a number of seconds ≥ 0, got 'sixty'"). Keys the model does not know are
reported through ``warn`` (a misspelt ``databse_url`` is not silently ignored), with the closest known
key as a hint. There is no module-level settings instance; entry points call ``load_settings`` and
pass the result down.
"""

from __future__ import annotations

import difflib
import logging
import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import TopicbotError

REPO_ROOT = Path(__file__).resolve().parent.parent
LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_SQLITE_EXAMPLE: Final = "sqlite+aiosqlite:///path/to/topicbot.db"
_POSTGRES_EXAMPLE: Final = "postgresql+asyncpg://user:password@host:5432/topicbot"

log = logging.getLogger(__name__)


#: The answer engine's decision steps (``bot.core.engine.decider_for``).
DECISIONS: Final = ("rules", "learned")


class ConfigError(TopicbotError):
    """The configuration file or environment holds a value that cannot be used."""


def default_database_url() -> str:
    import platformdirs

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
    #: At most this many mentions from one member are answered per ``mention_window_seconds``.
    mention_limit: int = 5
    mention_window_seconds: float = 10.0


@dataclass(frozen=True)
class SemanticSettings:
    """The optional semantic signal (``pip install -e '.[semantic]'``); see ``bot.core.semantic``."""

    enabled: bool = False
    #: "bundled", a model2vec model's folder or hub name, or "sentence-transformers:NAME_OR_PATH".
    model: str = "bundled"


@dataclass(frozen=True)
class UsageSettings:
    """Learning from use (``bot.core.usage``): the ask log, its retention, stale topics."""

    #: Record asks (misses, statistics, alias suggestions); off stores nothing about questions.
    enabled: bool = True
    #: Days the ask log keeps; older entries are pruned.
    retention_days: int = 90
    #: An answer with a topic but a confidence (0..1) below this is logged as a miss.
    low_confidence: float = 0.3
    #: Answers flag a topic whose "last updated" is older than this many days.
    stale_after_days: int = 365


@dataclass(frozen=True)
class MetricsSettings:
    """The optional Prometheus endpoint (``pip install -e '.[metrics]'``)."""

    enabled: bool = False
    address: str = "127.0.0.1:9464"


@dataclass(frozen=True)
class DashboardSettings:
    """The moderators' web dashboard (``pip install -e '.[dashboard]'``); see ``bot.dashboard``."""

    #: Also serve the dashboard from ``topicbot run`` (``topicbot dashboard`` serves it on its own).
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 8080
    #: The address moderators open (behind a reverse proxy: its public https address, with any path).
    base_url: str | None = None
    #: Signs sign-in links; by default a key made once and kept in the topic store.
    secret: str | None = None
    #: Serve the push API (``PUT``/``DELETE``/``GET /api/topics/{title}`` with a guild's API token).
    api: bool = False

    @property
    def public_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    knowledge_dir: Path = REPO_ROOT / "knowledge"
    timezone: str = "UTC"
    log_level: str = "INFO"
    #: Where the index is kept between runs: "auto", "off" or a file path (see ``services.snapshot_path``).
    index_snapshot: str = "auto"
    #: How the answer engine decides: "rules" (hand-written, the default) or "learned" (weights fitted
    #: on the project's labelled data; see the README's "How questions are matched").
    decisions: str = "rules"
    discord: DiscordSettings = DiscordSettings()
    semantic: SemanticSettings = SemanticSettings()
    usage: UsageSettings = UsageSettings()
    metrics: MetricsSettings = MetricsSettings()
    dashboard: DashboardSettings = DashboardSettings()

    @property
    def tz(self) -> tzinfo:
        return _zone(self.timezone, "[topicbot] timezone")


def _zone(name: str, where: str) -> tzinfo:
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin', "
                          "or 'UTC'") from None


def check_database_url(url: str, where: str) -> str:
    """``url`` if it names a supported store with its async driver; else a ``ConfigError`` saying what to use."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme or not scheme.replace("+", "").replace("-", "").isalnum():
        raise ConfigError(f"{where}: {_shown(url)!r} is not a database URL; use {_SQLITE_EXAMPLE} "
                          f"or {_POSTGRES_EXAMPLE}")
    backend, _, driver = scheme.lower().partition("+")
    if backend == "sqlite":
        if driver != "aiosqlite":
            raise ConfigError(f"{where}: SQLite needs the async driver: write sqlite+aiosqlite://{rest and '…'} "
                              f"(e.g. {_SQLITE_EXAMPLE}), not {scheme}://")
        return url
    if backend in {"postgresql", "postgres"}:
        if backend != "postgresql" or driver != "asyncpg":
            raise ConfigError(f"{where}: PostgreSQL needs the async driver: write postgresql+asyncpg://… "
                              f"(e.g. {_POSTGRES_EXAMPLE}), not {scheme}://")
        try:
            urlsplit(url).port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            raise ConfigError(f"{where}: {_shown(url)!r} has a port that is not a number") from None
        if find_spec("asyncpg") is None:
            raise ConfigError(f"{where}: PostgreSQL needs asyncpg, which is not installed; "
                              "install it with: pip install -e '.[postgres]'")
        return url
    raise ConfigError(f"{where}: {backend!r} databases are not supported; use SQLite ({_SQLITE_EXAMPLE}) "
                      f"or PostgreSQL ({_POSTGRES_EXAMPLE})")


def _shown(url: str) -> str:
    """``url`` with any password replaced by ``***``."""
    try:
        parts = urlsplit(url)
        if parts.password:
            return url.replace(f":{parts.password}@", ":***@", 1)
    except ValueError:
        pass
    return url


# Key parsers: (value, where) -> typed value; ``where`` is "[section] key" for messages.
Parse = Callable[[object, str], Any]


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be text (in quotes), got {value!r}")
    return value


def _optional_text(value: object, where: str) -> str | None:
    return _text(value, where) or None


def _database_url(value: object, where: str) -> str:
    return check_database_url(_text(value, where), where)


def _timezone(value: object, where: str) -> str:
    name = _text(value, where)
    _zone(name, where)
    return name


def _log_level(value: object, where: str) -> str:
    level = value.upper() if isinstance(value, str) else None
    if level not in LOG_LEVELS:
        raise ConfigError(f"{where} must be one of {', '.join(LOG_LEVELS)}, got {value!r}")
    return level


def _decisions(value: object, where: str) -> str:
    if value not in DECISIONS:
        raise ConfigError(f"{where} must be one of {', '.join(DECISIONS)}, got {value!r}")
    return str(value)


def _seconds(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"{where} must be a number of seconds ≥ 0, got {value!r}")
    try:
        seconds = float(value)
    except ValueError:
        raise ConfigError(f"{where} must be a number of seconds ≥ 0, got {value!r}") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ConfigError(f"{where} must be a number of seconds ≥ 0, got {value!r}")
    return seconds


def _positive_seconds(value: object, where: str) -> float:
    seconds = _seconds(value, where)
    if seconds == 0:
        raise ConfigError(f"{where} must be a number of seconds > 0, got {value!r}")
    return seconds


def _count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where} must be a whole number ≥ 1, got {value!r}")
    return value


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, got {value!r}")
    return value


def _fraction(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ConfigError(f"{where} must be a number from 0 to 1, got {value!r}")
    return float(value)


def _address(value: object, where: str) -> str:
    text = _text(value, where).strip()
    host, colon, port = text.rpartition(":")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"{where} must be host:port (e.g. \"127.0.0.1:9464\"), got {value!r}")
    return text


def _model_name(value: object, where: str) -> str:
    name = _text(value, where).strip()
    if not name:
        raise ConfigError(f"{where} must name a model (\"bundled\", a folder or a hub name), got {value!r}")
    return name


def _snowflake(value: object, where: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise ConfigError(f"{where} must be a Discord id (a positive 64-bit whole number), got {value!r}")
    return value


_TOPICBOT_KEYS: Final[Mapping[str, Parse]] = {
    "database_url": _database_url,
    "knowledge_dir": _text,
    "timezone": _timezone,
    "log_level": _log_level,
    "index_snapshot": _text,
    "decisions": _decisions,
}
_DISCORD_KEYS: Final[Mapping[str, Parse]] = {
    "token": _optional_text,
    "test_guild_id": _snowflake,
    "cooldown_seconds": _seconds,
    "chatter_cooldown_seconds": _seconds,
    "mod_log_channel_id": _snowflake,
    "mention_limit": _count,
    "mention_window_seconds": _positive_seconds,
}
_SEMANTIC_KEYS: Final[Mapping[str, Parse]] = {"enabled": _flag, "model": _model_name}
_USAGE_KEYS: Final[Mapping[str, Parse]] = {
    "enabled": _flag,
    "retention_days": _count,
    "low_confidence": _fraction,
    "stale_after_days": _count,
}
_METRICS_KEYS: Final[Mapping[str, Parse]] = {"enabled": _flag, "address": _address}


def _host(value: object, where: str) -> str:
    host = _text(value, where).strip()
    if not host or any(c.isspace() for c in host):
        raise ConfigError(f"{where} must be a host name or address such as \"127.0.0.1\", got {value!r}")
    return host


def _port(value: object, where: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ConfigError(f"{where} must be a port number from 1 to 65535, got {value!r}")
    return value


def _base_url(value: object, where: str) -> str | None:
    url = _text(value, where).strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"{where} must be the dashboard's address, such as \"https://example.org/topicbot\", "
                          f"got {value!r}")
    return url.rstrip("/")


_DASHBOARD_KEYS: Final[Mapping[str, Parse]] = {
    "enabled": _flag,
    "host": _host,
    "port": _port,
    "base_url": _base_url,
    "secret": _optional_text,
    "api": _flag,
}
_SECTIONS: Final[Mapping[str, Mapping[str, Parse]]] = {
    "topicbot": _TOPICBOT_KEYS,
    "discord": _DISCORD_KEYS,
    "semantic": _SEMANTIC_KEYS,
    "usage": _USAGE_KEYS,
    "metrics": _METRICS_KEYS,
    "dashboard": _DASHBOARD_KEYS,
}
#: Environment variables, each to a key of a section (the environment wins over the file).
_ENVIRONMENT: Final = (
    ("TOPICBOT_DATABASE_URL", "topicbot", "database_url"),
    ("DISCORD_TOKEN", "discord", "token"),
    ("DISCORD_TEST_GUILD_ID", "discord", "test_guild_id"),
    ("TOPICBOT_DASHBOARD_SECRET", "dashboard", "secret"),
)


def _read_toml(path: Path) -> Mapping[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a folder; give the path of a .toml file") from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(f"config file {path}: line {line}: not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None


def _unknown(name: str, known: Mapping[str, object], where: str) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{where}: unknown {name!r}{hint}; ignored"


def _parse_file(data: Mapping[str, Any], source: str, warn: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {name: {} for name in _SECTIONS}
    for section, table in data.items():
        keys = _SECTIONS.get(section)
        if keys is None:
            close = difflib.get_close_matches(section, list(_SECTIONS), n=1)
            hint = f" (did you mean [{close[0]}]?)" if close else ""
            warn(f"{source}: unknown section [{section}]{hint}; ignored")
            continue
        if not isinstance(table, Mapping):
            raise ConfigError(f"{source}: [{section}] must be a table")
        for key, value in table.items():
            parse = keys.get(key)
            if parse is None:
                warn(_unknown(key, keys, f"{source}: [{section}]"))
                continue
            values[section][key] = parse(value, f"{source}: [{section}] {key}")
    return values


def _warn(message: str) -> None:
    log.warning("%s", message)


def load_settings(
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    database_url: str | None = None,
    warn: Callable[[str], None] = _warn,
) -> Settings:
    """Read settings from ``path`` (TOML, optional), then ``environ``, then ``database_url`` (each wins
    over the one before). Raises ``ConfigError`` naming the key of a bad value; unknown keys go to ``warn``."""
    env = os.environ if environ is None else environ
    data = _read_toml(path) if path is not None else {}
    values = _parse_file(data, str(path) if path is not None else "config", warn)
    for variable, section, key in _ENVIRONMENT:
        if env.get(variable):
            values[section][key] = _SECTIONS[section][key](env[variable], variable)
    if database_url:
        values["topicbot"]["database_url"] = check_database_url(database_url, "--database-url")
    core = values["topicbot"]
    if "knowledge_dir" in core:
        knowledge = Path(core["knowledge_dir"]).expanduser()
        if not knowledge.is_absolute() and path is not None:
            knowledge = path.parent / knowledge
        core["knowledge_dir"] = knowledge
    discord = values["discord"]
    discord["api_base_url"] = env.get("DISCORD_API_BASE_URL") or None
    discord["gateway_url"] = env.get("DISCORD_GATEWAY_URL") or None
    return Settings(**core, discord=DiscordSettings(**discord), semantic=SemanticSettings(**values["semantic"]),
                    usage=UsageSettings(**values["usage"]), metrics=MetricsSettings(**values["metrics"]),
                    dashboard=DashboardSettings(**values["dashboard"]))
