"""What the benchmark commands share about their command line: a mistake in it is one line and exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable


class UsageError(Exception):
    """A mistake in the command line or the named folders; reported as one line."""


def run_reporting_usage(parser: argparse.ArgumentParser, run: Callable[[argparse.Namespace], int],
                        args: argparse.Namespace) -> int:
    """``run(args)``, with a ``UsageError`` printed as ``prog: message`` on stderr and exit status 2."""
    try:
        return run(args)
    except UsageError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
