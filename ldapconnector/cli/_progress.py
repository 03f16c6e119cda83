"""Progress of a long run on stderr: N/total, rate and ETA.

On a terminal one line is rewritten in place (at most ten times a second); elsewhere, when
asked for with ``--progress``, a plain log line is written every few seconds, so a log
collector gets progress without carriage returns. ``--no-progress`` silences both.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import TextIO

import attrs

__all__ = ["ProgressLine", "add_progress_argument", "format_progress", "progress_line"]

_LIVE_INTERVAL = 0.1
_LOG_INTERVAL = 5.0


def _clock(seconds: float) -> str:
    whole = int(seconds + 0.5)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def format_progress(done: int, total: int | None, seconds: float, unit: str) -> str:
    """One progress line: ``1,234/10,000 users (12%), 850/s, ETA 0:00:10``.

    Args:
        done: how many are finished.
        total: how many there are, or None when unknown (no percentage or ETA then).
        seconds: the time spent so far.
        unit: what is counted (``records``, ``objects``).
    """
    rate = done / seconds if seconds > 0 else 0.0
    if total is None:
        return f"{done:,} {unit}, {rate:,.0f}/s, {_clock(seconds)} elapsed"
    share = 100 * done // total if total else 100
    left = max(total - done, 0)
    eta = _clock(left / rate) if rate > 0 else "?"
    return f"{done:,}/{total:,} {unit} ({share}%), {rate:,.0f}/s, ETA {eta}"


@attrs.define(kw_only=True)
class ProgressLine:
    """Shows how far a run has got, rewriting one terminal line or writing log lines.

    Attributes:
        total: how many there are, or None when unknown.
        unit: what is counted.
        stream: where the lines go (stderr).
        live: rewrite one line in place (a terminal) rather than write log lines.
        clock: the time source (seconds).
    """

    total: int | None
    unit: str
    stream: TextIO
    live: bool
    clock: Callable[[], float] = time.monotonic
    _started: float = attrs.field(init=False, default=0.0)
    _shown_at: float = attrs.field(init=False, default=float("-inf"))
    _done: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        self._started = self.clock()

    def update(self, done: int) -> None:
        """Record that ``done`` are finished; show it when the interval has passed."""
        self._done = done
        now = self.clock()
        if now - self._shown_at >= (_LIVE_INTERVAL if self.live else _LOG_INTERVAL):
            self._show(now)

    def advance(self, count: int = 1) -> None:
        """Record ``count`` more finished."""
        self.update(self._done + count)

    def finish(self) -> None:
        """Show the final figures and end the line."""
        self._show(self.clock())
        if self.live:
            print(file=self.stream, flush=True)

    def _show(self, now: float) -> None:
        self._shown_at = now
        text = format_progress(self._done, self.total, now - self._started, self.unit)
        if self.live:
            print(f"\r{text}\033[K", end="", file=self.stream, flush=True)
        else:
            print(f"progress: {text}", file=self.stream, flush=True)


def add_progress_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--progress`` / ``--no-progress`` (default: live progress on a terminal only)."""
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress (default: on a terminal; elsewhere log lines every 5 s)",
    )


def progress_line(
    args: argparse.Namespace, total: int | None, unit: str, stream: TextIO | None = None
) -> ProgressLine | None:
    """The progress display the arguments and the stream ask for, or None for none."""
    out = sys.stderr if stream is None else stream
    wanted: bool | None = getattr(args, "progress", None)
    live = out.isatty()
    if wanted is False or (wanted is None and not live):
        return None
    return ProgressLine(total=total, unit=unit, stream=out, live=live)
