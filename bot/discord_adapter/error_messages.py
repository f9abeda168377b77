"""The single table from error types to the text a Discord user sees (always sent ephemeral).

Order matters: the first entry whose type matches the error (``isinstance``) wins, so more specific
types come before their bases. Core errors carry the details the message needs; anything not in
the table gets the generic fallback, and the caller logs it with its traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from discord import app_commands

from bot.core.errors import (
    DuplicateTopicError,
    EditError,
    FieldTooLongError,
    ImportAbortedError,
    RecordFormatError,
    RecordTooLargeError,
    StaleVersionError,
    StorageUnavailableError,
    TopicbotError,
    TopicNotFoundError,
)
from bot.discord_adapter.moderators import NotModeratorError

GENERIC_MESSAGE: Final = "Something went wrong on my side; it has been logged. Please try again in a moment."
STORAGE_MESSAGE: Final = "I can't reach my topic store right now. Please try again in a few minutes."


def _topic_not_found(error: TopicNotFoundError) -> str:
    if error.suggestions:
        closest = ", ".join(f"**{title}**" for title in error.suggestions)
        return f"I don't track a topic called \u201c{error.title}\u201d. Closest: {closest}."
    return f"I don't track a topic called \u201c{error.title}\u201d. Try `/topic list`."


def _record_format(error: RecordFormatError) -> str:
    where = f"{error.source}, line {error.line}" if error.source else f"line {error.line}"
    return f"That record is not in the topic format ({where}): expected {error.expected}, found {error.found}."


def _field_too_long(error: FieldTooLongError) -> str:
    return f"The {error.field.replace('_', ' ')} is {error.length} characters long; the limit is {error.limit}."


def _stale_version(error: StaleVersionError) -> str:
    who = f" by {error.changed_by}" if error.changed_by else ""
    when = f" at {error.changed_at}" if error.changed_at else ""
    return (f"**{error.title}** was changed{who}{when} since you opened it; nothing was overwritten. "
            "Open it again to see the current version.")


def _duplicate(error: DuplicateTopicError) -> str:
    return f"A topic called **{error.title}** already exists."


def _import_aborted(error: ImportAbortedError) -> str:
    return f"The import was cancelled and nothing was changed: {error}"


def _cooldown(error: app_commands.CommandOnCooldown) -> str:
    return f"Slow down a little: try again in {error.retry_after:.0f} s."


#: (error type, message factory) in priority order: the first ``isinstance`` match is used.
ERROR_MESSAGES: Final[tuple[tuple[type[BaseException], Callable[[Any], str]], ...]] = (
    (TopicNotFoundError, _topic_not_found),
    (StorageUnavailableError, lambda _error: STORAGE_MESSAGE),
    (FieldTooLongError, _field_too_long),
    (RecordFormatError, _record_format),
    (StaleVersionError, _stale_version),
    (DuplicateTopicError, _duplicate),
    (ImportAbortedError, _import_aborted),
    (RecordTooLargeError, lambda error: f"That record is too large, so nothing was changed: {error}."),
    (EditError, lambda error: f"That change can't be made, so nothing was changed: {error}."),
    (TopicbotError, lambda error: str(error) or GENERIC_MESSAGE),
    (app_commands.CommandOnCooldown, _cooldown),
    (NotModeratorError, str),
    (app_commands.NoPrivateMessage, lambda _error: "This command only works in a server."),
    (app_commands.MissingPermissions, lambda _error: "You don't have permission to use this command."),
    (app_commands.CheckFailure, lambda _error: "You can't use this command here."),
)


def unwrap(error: BaseException) -> BaseException:
    """The error that really happened, without discord.py's ``CommandInvokeError``/``TransformerError`` wrapper."""
    while True:
        if isinstance(error, app_commands.CommandInvokeError):
            error = error.original
        elif isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
            error = error.__cause__
        else:
            return error


def user_message(error: BaseException) -> str:
    """The user-facing text for ``error`` (unwrapped first); the generic fallback for unknown types."""
    error = unwrap(error)
    for error_type, factory in ERROR_MESSAGES:
        if isinstance(error, error_type):
            return factory(error)
    return GENERIC_MESSAGE


def is_expected(error: BaseException) -> bool:
    """True for errors that are the user's input or a known outage, not a bug in the bot."""
    return isinstance(unwrap(error), TopicbotError | app_commands.CheckFailure | app_commands.CommandOnCooldown)
