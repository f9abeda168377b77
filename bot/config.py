"""Settings: one pydantic model per section of the TOML file, filled by pydantic-settings from the file
and the environment.

The value types and the words of their errors are in ``bot.config_values``. ``load_settings`` reports a
bad value in one line naming where it came from, what it was and what the key accepts ("conf.toml:
[discord] cooldown_seconds must be a number of seconds ≥ 0, got 'sixty'"); keys the model does not know
are reported through ``warn`` with the closest known key as a hint (a misspelt ``databse_url`` is not
silently ignored). There is no module-level settings instance; entry points call ``load_settings`` and
pass the result down.
"""

from __future__ import annotations

import difflib
import logging
import os
import tomllib
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import tzinfo
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, InitSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from bot.config_values import (
    NOT_ALLOWED,
    PROBLEM,
    Address,
    Allowed,
    Count,
    DashboardAddress,
    DatabaseUrl,
    Flag,
    FolderPath,
    Fraction,
    Host,
    LogLevel,
    ModelName,
    OptionalText,
    Port,
    PositiveSeconds,
    Seconds,
    Snowflake,
    Text,
    ZoneName,
    check_database_url,
    zone,
)
from bot.config_values import ConfigError as ConfigError
from bot.core.record_limits import DEFAULT_LIMITS, RecordLimits

REPO_ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger(__name__)


def default_database_url() -> str:
    import platformdirs

    data_dir = Path(platformdirs.user_data_dir("topicbot", appauthor=False))
    return f"sqlite+aiosqlite:///{data_dir / 'topicbot.db'}"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DiscordSettings(_Section):
    token: OptionalText = None
    #: Testing hooks, environment only (``DISCORD_API_BASE_URL``, ``DISCORD_GATEWAY_URL``).
    api_base_url: OptionalText = None
    gateway_url: OptionalText = None
    test_guild_id: Snowflake = None
    cooldown_seconds: Seconds = 60.0
    chatter_cooldown_seconds: Seconds = 60.0
    mod_log_channel_id: Snowflake = None
    #: At most this many mentions from one member are answered per ``mention_window_seconds``.
    mention_limit: Count = 5
    mention_window_seconds: PositiveSeconds = 10.0


class SemanticSettings(_Section):
    """The optional semantic signal (``pip install -e '.[semantic]'``); see ``bot.core.semantic``."""

    enabled: Flag = False
    #: "bundled", a model2vec model's folder or hub name, or "sentence-transformers:NAME_OR_PATH".
    model: ModelName = "bundled"


class UsageSettings(_Section):
    """Learning from use (``bot.core.usage``): the ask log, its retention, stale topics."""

    #: Record asks (misses, statistics, alias suggestions); off stores nothing about questions.
    enabled: Flag = True
    #: Days the ask log keeps; older entries are pruned.
    retention_days: Count = 90
    #: An answer with a topic but a confidence (0..1) below this is logged as a miss.
    low_confidence: Fraction = 0.3
    #: Answers flag a topic whose "last updated" is older than this many days.
    stale_after_days: Count = 365


class MetricsSettings(_Section):
    """The optional Prometheus endpoint (``pip install -e '.[metrics]'``)."""

    enabled: Flag = False
    address: Address = "127.0.0.1:9464"


class DashboardSettings(_Section):
    """The moderators' web dashboard (``pip install -e '.[dashboard]'``); see ``bot.dashboard``."""

    #: Also serve the dashboard from ``topicbot run`` (``topicbot dashboard`` serves it on its own).
    enabled: Flag = False
    host: Host = "127.0.0.1"
    port: Port = 8080
    #: The address moderators open (behind a reverse proxy: its public https address, with any path).
    base_url: DashboardAddress = None
    #: Signs sign-in links; by default a key made once and kept in the topic store.
    secret: OptionalText = None
    #: Serve the push API (``PUT``/``DELETE``/``GET /api/topics/{title}`` with a guild's API token).
    api: Flag = False
    #: Sign in with Discord (OAuth2): the application's id and client secret from the developer portal.
    discord_client_id: Snowflake = None
    discord_client_secret: OptionalText = None

    @property
    def discord_sign_in(self) -> bool:
        """Whether moderators can sign in with Discord (both the client id and the secret are set)."""
        return self.discord_client_id is not None and self.discord_client_secret is not None

    @property
    def public_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")


class LimitsSettings(_Section):
    """The most one record may hold, enforced on every write; see ``bot.core.record_limits``."""

    record_bytes: Count = DEFAULT_LIMITS.record_bytes
    timeline_events: Count = DEFAULT_LIMITS.timeline_events
    attributes: Count = DEFAULT_LIMITS.attributes
    web_results: Count = DEFAULT_LIMITS.web_results
    background_sections: Count = DEFAULT_LIMITS.background_sections
    field_chars: Count = DEFAULT_LIMITS.field_chars

    @property
    def record_limits(self) -> RecordLimits:
        """The limits as the core takes them."""
        return RecordLimits(**self.model_dump())


#: Sources filled in by ``load_settings`` for the one ``Settings`` it builds; empty otherwise, so a
#: ``Settings(...)`` made in code holds exactly what it is given.
_LOADING: ContextVar[tuple[PydanticBaseSettingsSource, ...]] = ContextVar("_LOADING", default=())


class Settings(BaseSettings):
    """Everything configurable. The keys of ``[topicbot]`` are its own fields; other sections are models."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid", case_sensitive=True)

    database_url: DatabaseUrl = Field(default_factory=default_database_url)
    knowledge_dir: FolderPath = REPO_ROOT / "knowledge"
    timezone: ZoneName = "UTC"
    log_level: LogLevel = "INFO"
    #: Where the index is kept between runs: "auto", "off" or a file path (see ``services.snapshot_path``).
    index_snapshot: Text = "auto"
    discord: DiscordSettings = DiscordSettings()
    semantic: SemanticSettings = SemanticSettings()
    usage: UsageSettings = UsageSettings()
    metrics: MetricsSettings = MetricsSettings()
    dashboard: DashboardSettings = DashboardSettings()
    limits: LimitsSettings = LimitsSettings()

    @property
    def tz(self) -> tzinfo:
        return zone(self.timezone)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, *_LOADING.get())


#: The table that holds the fields of ``Settings`` itself.
TOP_SECTION: Final = "topicbot"
#: Environment variables, each to a key of a section; the environment wins over the file.
ENVIRONMENT: Final = (
    ("TOPICBOT_DATABASE_URL", TOP_SECTION, "database_url"),
    ("DISCORD_TOKEN", "discord", "token"),
    ("DISCORD_TEST_GUILD_ID", "discord", "test_guild_id"),
    ("DISCORD_API_BASE_URL", "discord", "api_base_url"),
    ("DISCORD_GATEWAY_URL", "discord", "gateway_url"),
    ("TOPICBOT_DASHBOARD_SECRET", "dashboard", "secret"),
    ("TOPICBOT_DISCORD_CLIENT_SECRET", "dashboard", "discord_client_secret"),
)
#: Keys read only from the environment: in the file they are unknown.
ENVIRONMENT_ONLY: Final = frozenset({("discord", "api_base_url"), ("discord", "gateway_url")})


def _sections() -> dict[str, type[BaseModel]]:
    return {name: field.annotation for name, field in Settings.model_fields.items()
            if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)}


def file_keys() -> dict[str, list[str]]:
    """The keys the config file may hold, by section (``[topicbot]`` first)."""
    sections = _sections()
    keys = {TOP_SECTION: [name for name in Settings.model_fields if name not in sections]}
    for name, model in sections.items():
        keys[name] = [key for key in model.model_fields if (name, key) not in ENVIRONMENT_ONLY]
    return keys


def _located(values: Mapping[str, Mapping[str, object]]) -> dict[str, Any]:
    """``{section: {key: value}}`` as the model's input: the keys of ``[topicbot]`` at the top."""
    data: dict[str, Any] = dict(values.get(TOP_SECTION, {}))
    data.update({section: dict(keys) for section, keys in values.items() if section != TOP_SECTION and keys})
    return data


class _Source(InitSettingsSource):
    """Values by section from one place, with the words that name each key of it in an error."""

    def __init__(self, values: Mapping[str, Mapping[str, object]], where: Callable[[str, str], str]) -> None:
        self.values = values
        self.where = where
        super().__init__(Settings, _located(values))

    def find(self, section: str, key: str) -> tuple[str, object] | None:
        if key in self.values.get(section, {}):
            return self.where(section, key), self.values[section][key]
        return None


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


def _hint(name: str, known: list[str], shown: Callable[[str], str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {shown(close[0])}?)" if close else ""


def _file_source(path: Path, warn: Callable[[str], None]) -> _Source:
    """The known keys of the TOML file at ``path`` (unknown ones go to ``warn``, with the closest known key)."""
    known = file_keys()
    values: dict[str, dict[str, object]] = {}
    for section, table in _read_toml(path).items():
        if section not in known:
            warn(f"{path}: unknown section [{section}]{_hint(section, list(known), lambda s: f'[{s}]')}; ignored")
            continue
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: [{section}] must be a table")
        for key, value in table.items():
            if key not in known[section]:
                warn(f"{path}: [{section}]: unknown {key!r}{_hint(key, known[section], repr)}; ignored")
                continue
            values.setdefault(section, {})[key] = value
    knowledge = values.get(TOP_SECTION, {}).get("knowledge_dir")
    if isinstance(knowledge, str):
        folder = Path(knowledge).expanduser()
        values[TOP_SECTION]["knowledge_dir"] = folder if folder.is_absolute() else path.parent / folder
    return _Source(values, lambda section, key: f"{path}: [{section}] {key}")


def _environment_source(environ: Mapping[str, str]) -> _Source:
    values: dict[str, dict[str, object]] = {}
    names: dict[tuple[str, str], str] = {}
    for variable, section, key in ENVIRONMENT:
        if environ.get(variable):
            values.setdefault(section, {})[key] = environ[variable]
            names[section, key] = variable
    return _Source(values, lambda section, key: names[section, key])


def _allowed(location: tuple[str | int, ...]) -> str | None:
    model: type[BaseModel] = Settings
    for part in location:
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            model = field.annotation
            continue
        return next((note.text for note in field.metadata if isinstance(note, Allowed)), None)
    return None


def _one_line(error: ValidationError, sources: tuple[_Source, ...]) -> ConfigError:
    """The first failure of ``error`` in words: where the value came from, what it was, what is allowed."""
    first = error.errors()[0]
    location = tuple(str(part) for part in first["loc"])
    section, key = (TOP_SECTION, location[0]) if len(location) == 1 else (location[0], location[1])
    where, value = next((found for source in sources if (found := source.find(section, key))),
                        (f"[{section}] {key}", first["input"]))
    if first["type"] == PROBLEM:
        return ConfigError(f"{where}: {first['ctx']['text']}")
    allowed = _allowed(location[:2])
    if first["type"] != NOT_ALLOWED and allowed is None:
        return ConfigError(f"{where}: {first['msg']}, got {value!r}")
    return ConfigError(f"{where} must be {allowed}, got {value!r}")


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
    if database_url:
        check_database_url(database_url, "--database-url")
    flag = _Source({TOP_SECTION: {"database_url": database_url}} if database_url else {},
                   lambda section, key: "--database-url")
    sources: tuple[_Source, ...] = (flag, _environment_source(os.environ if environ is None else environ))
    if path is not None:
        sources = (*sources, _file_source(path, warn))
    token = _LOADING.set(sources)
    try:
        return Settings()
    except ValidationError as error:
        raise _one_line(error, sources) from None
    finally:
        _LOADING.reset(token)
