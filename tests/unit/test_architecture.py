"""The core never loads discord.py, directly or through anything it imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter, so modules imported by other tests cannot hide or fake a leak.
_PROBE = """
import importlib, json, pkgutil, sys
import bot.core
names = ["bot.core"]
names += [info.name for info in pkgutil.walk_packages(bot.core.__path__, prefix="bot.core.")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "discord" or m.startswith(("discord.", "bot.discord_adapter")))
print(json.dumps({"imported": names, "loaded": loaded}))
"""


def run_probe() -> dict[str, list[str]]:
    completed = subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, "-c", _PROBE],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, list[str]] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def test_importing_every_core_module_never_loads_discord() -> None:
    result = run_probe()
    assert "bot.core.record_format" in result["imported"]
    assert "bot.core.model" in result["imported"]
    assert result["loaded"] == []


def test_bot_package_init_is_empty() -> None:
    # Importing bot.core runs bot/__init__.py first; anything there would load for every core user.
    assert (PROJECT_ROOT / "bot" / "__init__.py").read_text(encoding="utf-8").strip() == ""
