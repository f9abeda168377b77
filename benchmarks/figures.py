"""Latency percentiles and process memory, as the benchmarks report them."""

from __future__ import annotations

import resource
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Latency:
    """Milliseconds: median, 99th percentile (nearest rank) and maximum over ``n`` timings."""

    p50: float
    p99: float
    max: float
    n: int


def latency(milliseconds: Sequence[float]) -> Latency:
    """Summarise timings; all zero when there are none."""
    if not milliseconds:
        return Latency(0.0, 0.0, 0.0, 0)
    ordered = sorted(milliseconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return Latency(statistics.median(ordered), p99, ordered[-1], len(ordered))


def peak_rss_mb() -> float:
    """The highest resident set size of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float | None:
    """The resident set size of this process now (Linux ``/proc``; ``None`` elsewhere)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None
