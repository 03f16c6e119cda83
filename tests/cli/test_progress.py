"""Progress lines: N/total, rate and ETA; live on a terminal, log lines elsewhere."""

from __future__ import annotations

import argparse
import io
import itertools

from ldapconnector.cli._progress import ProgressLine, format_progress, progress_line


def test_the_line_shows_count_share_rate_and_eta() -> None:
    """Half done in 10 s: 50%, the rate, and 10 s to go."""
    assert format_progress(5_000, 10_000, 10.0, "records") == (
        "5,000/10,000 records (50%), 500/s, ETA 0:00:10"
    )
    assert format_progress(0, 10, 0.0, "records") == "0/10 records (0%), 0/s, ETA ?"
    assert format_progress(12, None, 3.0, "objects") == "12 objects, 4/s, 0:00:03 elapsed"
    assert format_progress(7_200, 3_600, 3_600.0, "records").endswith("ETA 0:00:00")


class _Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_log_lines_come_every_five_seconds_and_at_the_end() -> None:
    """Off a terminal: no carriage returns, one line per 5 s, and the final figures."""
    stream, clock = io.StringIO(), _Clock()
    line = ProgressLine(total=100, unit="records", stream=stream, live=False, clock=clock)
    for second in itertools.islice(itertools.count(), 12):
        clock.now = 100.0 + second
        line.advance(5)
    line.finish()
    shown = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert shown[0].startswith("progress: 5/100 records (5%)")
    assert len(shown) == 4  # at 0 s, 5 s and 10 s, then the end
    assert shown[-1].startswith("progress: 60/100 records (60%)")


def test_live_lines_rewrite_one_line_and_end_it() -> None:
    """On a terminal the line is rewritten in place and ended by finish()."""
    stream, clock = io.StringIO(), _Clock()
    line = ProgressLine(total=3, unit="records", stream=stream, live=True, clock=clock)
    for _ in range(3):
        clock.now += 1
        line.advance()
    line.finish()
    assert stream.getvalue().startswith("\r1/3 records (33%)")
    assert stream.getvalue().endswith("\033[K\n")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_flags_choose_the_display() -> None:
    """Default: live on a terminal, nothing elsewhere; --progress / --no-progress force it."""
    auto, on, off = (argparse.Namespace(progress=v) for v in (None, True, False))
    assert progress_line(auto, 1, "records", io.StringIO()) is None
    live = progress_line(auto, 1, "records", _Terminal())
    assert live is not None
    assert live.live
    forced = progress_line(on, 1, "records", io.StringIO())
    assert forced is not None
    assert not forced.live
    assert progress_line(off, 1, "records", _Terminal()) is None
