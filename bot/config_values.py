"""The value types of the settings: what each key accepts, checked by pydantic, and the words that say so.

Each type is an ``Annotated`` pydantic type carrying an :class:`Allowed` note. When a value fails, the
loader (``bot.config.load_settings``) reports "<where> must be <allowed>, got <value>" from that note
("[discord] cooldown_seconds must be a number of seconds ≥ 0, got 'sixty'"), whatever pydantic's own
reason was. A check with a more precise answer ("unknown time zone 'Mars/Base'; use an IANA name…")
raises :func:`problem`, whose text is reported as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, tzinfo
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Final, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from annotated_types import Ge, Gt, Le, Lt
from pydantic import AfterValidator, AllowInfNan, BeforeValidator, Strict
from pydantic_core import PydanticCustomError

from bot.core.errors import TopicbotError

#: The error type of a check that says what is wrong in its own words (reported as it is).
PROBLEM: Final = "topicbot_config_problem"
#: The error type of a check whose answer is the key's :class:`Allowed` wording.
NOT_ALLOWED: Final = "topicbot_config_not_allowed"

_SQLITE_EXAMPLE: Final = "sqlite+aiosqlite:///path/to/topicbot.db"
_POSTGRES_EXAMPLE: Final = "postgresql+asyncpg://user:password@host:5432/topicbot"


class ConfigError(TopicbotError):
    """The configuration file or environment holds a value that cannot be used."""


@dataclass(frozen=True)
class Allowed:
    """What a key accepts, worded to follow "must be": ``Allowed("true or false")``."""

    text: str


def problem(text: str) -> PydanticCustomError:
    """A validation error reported as ``<where>: <text>``."""
    return PydanticCustomError(PROBLEM, "{text}", {"text": text})


def _not_allowed() -> PydanticCustomError:
    return PydanticCustomError(NOT_ALLOWED, "not allowed")


def zone(name: str) -> tzinfo:
    """The time zone ``name`` ("UTC" or an IANA name); raises ``ValueError`` with the reason otherwise."""
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin', or 'UTC'") from None


def _zone_name(name: str) -> str:
    try:
        zone(name)
    except ValueError as error:
        raise problem(str(error)) from None
    return name


def database_url_problem(url: str) -> str | None:
    """Why ``url`` does not name a supported store with its async driver, or ``None`` when it does."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme or not scheme.replace("+", "").replace("-", "").isalnum():
        return f"{_shown(url)!r} is not a database URL; use {_SQLITE_EXAMPLE} or {_POSTGRES_EXAMPLE}"
    backend, _, driver = scheme.lower().partition("+")
    if backend == "sqlite":
        if driver != "aiosqlite":
            return (f"SQLite needs the async driver: write sqlite+aiosqlite://{rest and '…'} "
                    f"(e.g. {_SQLITE_EXAMPLE}), not {scheme}://")
        return None
    if backend in {"postgresql", "postgres"}:
        if backend != "postgresql" or driver != "asyncpg":
            return (f"PostgreSQL needs the async driver: write postgresql+asyncpg://… "
                    f"(e.g. {_POSTGRES_EXAMPLE}), not {scheme}://")
        try:
            urlsplit(url).port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            return f"{_shown(url)!r} has a port that is not a number"
        if find_spec("asyncpg") is None:
            return "PostgreSQL needs asyncpg, which is not installed; install it with: pip install -e '.[postgres]'"
        return None
    return (f"{backend!r} databases are not supported; use SQLite ({_SQLITE_EXAMPLE}) "
            f"or PostgreSQL ({_POSTGRES_EXAMPLE})")


def check_database_url(url: str, where: str) -> str:
    """``url`` if it names a supported store with its async driver; else a ``ConfigError`` saying what to use."""
    reason = database_url_problem(url)
    if reason is not None:
        raise ConfigError(f"{where}: {reason}")
    return url


def _database_url(url: str) -> str:
    reason = database_url_problem(url)
    if reason is not None:
        raise problem(reason)
    return url


def _shown(url: str) -> str:
    """``url`` with any password replaced by ``***``."""
    try:
        parts = urlsplit(url)
        if parts.password:
            return url.replace(f":{parts.password}@", ":***@", 1)
    except ValueError:
        pass
    return url


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _empty_is_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _digits_to_int(value: object) -> object:
    """Environment variables are text: "1234" (ASCII digits only) is read as the number 1234."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return value


def _stripped_name(value: str) -> str:
    name = value.strip()
    if not name or any(c.isspace() for c in name):
        raise _not_allowed()
    return name


def _model_name(value: str) -> str:
    if not value.strip():
        raise _not_allowed()
    return value.strip()


def _address(value: str) -> str:
    text = value.strip()
    host, colon, port = text.rpartition(":")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise _not_allowed()
    return text


def _http_address(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise _not_allowed()
    return value.strip().rstrip("/")


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise _not_allowed()
    return value


LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

Text = Annotated[str, Strict(), Allowed("text (in quotes)")]
OptionalText = Annotated[Annotated[str, Strict()] | None, BeforeValidator(_empty_is_none), Allowed("text (in quotes)")]
FolderPath = Annotated[Path, Allowed("a folder path (in quotes)")]
DatabaseUrl = Annotated[str, Strict(), AfterValidator(_database_url), Allowed("a database URL (in quotes)")]
ZoneName = Annotated[str, Strict(), AfterValidator(_zone_name), Allowed("a time zone name (in quotes)")]
LogLevel = Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], BeforeValidator(_upper),
                     Allowed(f"one of {', '.join(LOG_LEVELS)}")]
Seconds = Annotated[float, Strict(), AllowInfNan(False), Ge(0), AfterValidator(_finite),
                    Allowed("a number of seconds ≥ 0")]
PositiveSeconds = Annotated[float, Strict(), AllowInfNan(False), Gt(0), AfterValidator(_finite),
                            Allowed("a number of seconds > 0")]
Count = Annotated[int, Strict(), Ge(1), Allowed("a whole number ≥ 1")]
Flag = Annotated[bool, Strict(), Allowed("true or false")]
Fraction = Annotated[float, Strict(), Ge(0), Le(1), Allowed("a number from 0 to 1")]
Address = Annotated[str, Strict(), AfterValidator(_address), Allowed('host:port (e.g. "127.0.0.1:9464")')]
ModelName = Annotated[str, Strict(), AfterValidator(_model_name),
                      Allowed('the name of a model ("bundled", a folder or a hub name)')]
Snowflake = Annotated[Annotated[int, Strict(), Gt(0), Lt(2**63)] | None, BeforeValidator(_digits_to_int),
                      BeforeValidator(_empty_is_none), Allowed("a Discord id (a positive 64-bit whole number)")]
Host = Annotated[str, Strict(), AfterValidator(_stripped_name),
                 Allowed('a host name or address such as "127.0.0.1"')]
Port = Annotated[int, BeforeValidator(_digits_to_int), Strict(), Ge(1), Le(65535),
                 Allowed("a port number from 1 to 65535")]
DashboardAddress = Annotated[Annotated[str, Strict()] | None, BeforeValidator(_empty_is_none),
                             AfterValidator(_http_address),
                             Allowed('the dashboard\'s address, such as "https://example.org/topicbot"')]
