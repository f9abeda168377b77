"""Counts in words for command output: ``1 topic``, ``2 topics``."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and ``noun``, in the plural unless ``number`` is 1."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
