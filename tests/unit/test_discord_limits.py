"""Each Discord limit is defined once (``bot/core/discord_limits.py``) and used by name everywhere else."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.core import discord_limits

BOT = Path(__file__).resolve().parents[2] / "bot"
#: The limits whose numbers mean nothing else here (25, 80 or 100 are also ordinary counts and widths).
LIMITS = {value for name, value in vars(discord_limits).items() if name.endswith("_LIMIT") and value >= 1000}


def test_no_other_module_defines_or_writes_out_a_discord_limit() -> None:
    found = []
    for path in BOT.rglob("*.py"):
        if path.name == "discord_limits.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if any(n.endswith("_LIMIT") for n in names) and isinstance(node.value, ast.Constant) \
                        and node.value.value in LIMITS:
                    found.append(f"{path.relative_to(BOT)}:{node.lineno} {names}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "clip" \
                    and any(isinstance(a, ast.Constant) and a.value in LIMITS for a in node.args[1:]):
                found.append(f"{path.relative_to(BOT)}:{node.lineno} clip(..., literal)")
    assert found == []


def test_the_message_limit_is_discords() -> None:
    assert discord_limits.MESSAGE_LIMIT == 2000
    assert discord_limits.EMBED_DESCRIPTION_LIMIT == 4096
