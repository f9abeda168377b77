"""Argument types shared by the commands: each refuses a bad value with one line naming what to fix."""

from __future__ import annotations

import argparse
from typing import Final

#: Discord ids are positive 64-bit snowflakes (the store keeps them as signed 64-bit integers).
MAX_SNOWFLAKE: Final = 2**63 - 1


def guild_id(text: str) -> int:
    """``--guild ID``: a Discord server id, a positive 64-bit whole number written in ASCII digits."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_SNOWFLAKE:
        raise argparse.ArgumentTypeError(
            f"must be a Discord server id (a whole number from 1 to {MAX_SNOWFLAKE}), got {text!r}")
    return int(value)
