"""The error table: each core error type → its user-facing text."""

from __future__ import annotations

import pytest
from discord import app_commands

from bot.core.errors import (
    DuplicateTopicError,
    FieldTooLongError,
    RecordFormatError,
    StaleVersionError,
    StorageUnavailableError,
    TopicbotError,
    TopicNotFoundError,
)
from bot.discord_adapter.error_messages import GENERIC_MESSAGE, is_expected, unwrap, user_message


def test_unknown_topic_suggests_closest_titles() -> None:
    text = user_message(TopicNotFoundError("Waymoo", ("Waymo", "Tesla Robotaxi")))
    assert "Waymoo" in text
    assert "**Waymo**" in text
    assert "**Tesla Robotaxi**" in text


def test_unknown_topic_without_suggestions_points_to_the_list() -> None:
    assert "/topic list" in user_message(TopicNotFoundError("zzz"))


def test_storage_unavailable_says_the_store_cannot_be_reached() -> None:
    assert user_message(StorageUnavailableError("connection refused")).startswith(
        "I can't reach my topic store right now")


def test_field_too_long_names_field_and_limit() -> None:
    text = user_message(FieldTooLongError("attribute_value", 1000, 1204))
    assert "attribute value" in text
    assert "1204" in text
    assert "1000" in text


def test_record_format_error_names_file_line_and_expectation() -> None:
    text = user_message(RecordFormatError(7, "a date like 1/6/2026, 5:05:08 AM", "'yesterday'", "waymo.txt"))
    assert "waymo.txt, line 7" in text
    assert "expected a date" in text
    assert "'yesterday'" in text


def test_stale_version_says_who_changed_it_and_that_nothing_was_overwritten() -> None:
    text = user_message(StaleVersionError("Waymo", 3, 4, changed_by="mod#1", changed_at="2026-01-06 05:05"))
    assert "mod#1" in text
    assert "2026-01-06 05:05" in text
    assert "nothing was overwritten" in text


def test_duplicate_topic_names_the_title() -> None:
    assert "**Waymo** already exists" in user_message(DuplicateTopicError("Waymo"))


def test_other_core_errors_use_their_own_message() -> None:
    assert user_message(TopicbotError("the import file is empty")) == "the import file is empty"


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyError("x"), ZeroDivisionError()])
def test_unexpected_errors_get_the_generic_text_without_internals(error: Exception) -> None:
    assert user_message(error) == GENERIC_MESSAGE
    assert not is_expected(error)


def test_command_invoke_error_is_unwrapped() -> None:
    @app_commands.command(name="probe", description="probe")
    async def probe(_interaction: object) -> None:
        """Never called."""

    original = TopicNotFoundError("Waymoo", ("Waymo",))
    wrapped = app_commands.CommandInvokeError(probe, original)
    assert unwrap(wrapped) is original
    assert user_message(wrapped) == user_message(original)
    assert is_expected(wrapped)
