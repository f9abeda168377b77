"""The ``topicbot`` program as a separate process: what only a real process shows (pipes, exit codes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TOPICBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"}


def test_output_piped_into_a_reader_that_stops_early(tmp_path: Path) -> None:
    """``topicbot list | head -1``: the reader closes the pipe; no BrokenPipeError traceback."""
    # The default store (in this test's data folder), which a reading command fills with the samples.
    env = {k: v for k, v in os.environ.items() if k != "TOPICBOT_DATABASE_URL"} | {"XDG_DATA_HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "bot", "list"], env=env, capture_output=True, check=True)  # seed
    process = subprocess.Popen([sys.executable, "-m", "bot", "show", "Waymo"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the program has written anything
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in err
    assert err == ""


def test_a_user_mistake_exits_nonzero_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "--database-url", "sqlite:///x.db", "list"],
                            env=_env(tmp_path), capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
