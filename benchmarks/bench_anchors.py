"""Anchor figures: built-in kinds on their shortcut, a plug-in's kind on its codec.

Run: ``.venv/bin/python benchmarks/bench_anchors.py``. Prints figures; asserts nothing
about time. Client CPU (``time.process_time``), best of 9, per anchor, for: reading the
anchor off an entry and putting it in a set (the full import's hot path), and rebuilding
an anchor from a stored kind and value (what a link store does for every row it reads).
"""

from __future__ import annotations

import time
import timeit
import uuid
from collections.abc import Callable

from ldapconnector.anchors import Anchor, AnchorStrategy, anchor_of_entry, strategy_for
from ldapconnector.model import Entry
from ldapconnector.testing.anchor_plugin import ENTRY_UUID_HEX

COUNT = 20_000


def _best(run: Callable[[], object]) -> float:
    """Seconds of client CPU per anchor, best of 9 runs."""
    runs = timeit.Timer(run, timer=time.process_time).repeat(number=1, repeat=9)
    return min(runs) / COUNT


def _figures(label: str, strategy: AnchorStrategy) -> None:
    entries = [
        Entry(dn=f"uid=u{i},dc=x", attributes={"entryUUID": (str(uuid.uuid4()),)})
        for i in range(COUNT)
    ]
    anchors = [anchor_of_entry(entry, strategy) for entry in entries]
    stored = [(a.kind, a.value) for a in anchors if a is not None]
    read = _best(lambda: {anchor_of_entry(entry, strategy) for entry in entries})
    rebuilt = _best(lambda: [Anchor(kind=k, value=v, strategy=strategy) for k, v in stored])
    print(f"{label:<34} read off an entry {read * 1e6:5.2f} µs   rebuilt {rebuilt * 1e6:5.2f} µs")


def main() -> None:
    """Print the figures of the built-in entryUUID and the example plug-in."""
    print(f"{COUNT:,} anchors, client CPU per anchor (best of 9)")
    _figures("entryUUID (built-in, shortcut)", strategy_for("entryUUID"))
    _figures("entryUUIDHex (plug-in, its codec)", ENTRY_UUID_HEX)


if __name__ == "__main__":
    main()
