"""Full import: entries/s and peak memory at 10k and 100k entries, against ``ldapsearch``.

Seeds a throwaway slapd with N inetOrgPerson entries, then in the same run:
- ``ldapsearch -E pr=1000/noprompt`` reads them (the reference);
- ``Connector.full_import()`` reads them, records each in a link store file (connector
  space, as the CLI does) and yields them to a consumer that keeps nothing.
The import runs in a fresh interpreter so that its peak RSS (VmHWM) is its own; its time
(wall and client CPU) covers opening the store, connecting, detection and the import.
Each reader runs three times and the fastest run counts. The issue's
memory target: peak RSS at 100k within 20 % of the peak at 10k. Prints figures; asserts
nothing about time. Usage: ``python benchmarks/bench_full_import.py [--entries 10000 100000]``;
``--profile FILE`` instead runs one import of the first count under ``cProfile``, writes
the profile to FILE and prints the functions that cost the most time of their own.
"""

from __future__ import annotations

import argparse
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_search import REPEAT, peak_rss_kib, run_ldapsearch, seed_ldif

from ldapconnector.testing import OpenLDAPServer

BASE = "dc=contoso,dc=lab"


def child(section_json: str) -> None:
    """Run one full import (in a subprocess) and print a JSON line of figures."""
    from ldapconnector.config import ConnectorConfig
    from ldapconnector.connector import Connector
    from ldapconnector.space import SqliteLinkStore

    config = ConnectorConfig.from_dict(
        {
            "connectivity": json.loads(section_json),
            "object_type": {
                "target": "inetOrgPerson",
                "containers": [f"ou=bench,ou=people,{BASE}"],
            },
            "mappings": [
                {"type": "direct", "source": "mail", "target": "mail", "matching_precedence": 1},
                {"type": "direct", "source": "uid", "target": "-dn-"},
            ],
            "run_profiles": {"export": False},
        },
        allow_literal_password=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        started, cpu = time.perf_counter(), time.process_time()
        store = SqliteLinkStore.open(Path(tmp) / "state.sqlite")
        with store, Connector(config, store=store) as connector:
            result = connector.full_import().drain()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = peak_rss_kib() / 1024
    print(json.dumps({"count": result.objects, "seconds": seconds, "cpu": cpu, "peak_mib": peak}))


def _run_child(section: dict[str, object]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(section)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def profile(count: int, path: str) -> None:
    """Seed, run one import under cProfile into ``path``, print the costliest functions."""
    with OpenLDAPServer(seed_ldif=seed_ldif(count)) as server:
        section = server.connectivity(security="none", allow_cleartext_bind=True)
        command = [sys.executable, "-m", "cProfile", "-o", path, __file__, "--child"]
        subprocess.run([*command, json.dumps(section)], check=True, capture_output=True)
    print(f"{count:,} entries, profile in {path}")
    pstats.Stats(path).sort_stats("tottime").print_stats(15)


def measure(count: int) -> float:
    """Seed, measure both readers, print; return the import's peak RSS in MiB."""
    with OpenLDAPServer(seed_ldif=seed_ldif(count)) as server:
        section = server.connectivity(security="none", allow_cleartext_bind=True)
        reference = min(run_ldapsearch(server) for _ in range(REPEAT))
        runs = [_run_child(section) for _ in range(REPEAT)]
    figures = min(runs, key=lambda run: run["seconds"])
    assert figures["count"] == count, figures
    print(f"\n{count:,} entries")
    print(f"  ldapsearch -E pr=1000   {reference:7.2f} s  {count / reference:9,.0f} entries/s")
    print(
        f"  full import             {figures['seconds']:7.2f} s  "
        f"{count / figures['seconds']:9,.0f} entries/s  {figures['seconds'] / reference:5.1f}x"
        f" ldapsearch  client CPU {figures['cpu']:5.2f} s  peak RSS {figures['peak_mib']:6.1f} MiB"
    )
    peak: float = figures["peak_mib"]
    return peak


def main() -> None:
    """Parse the arguments and run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--profile", metavar="FILE", help="profile one import into FILE")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.profile:
        profile(args.entries[0], args.profile)
        return
    peaks = [measure(count) for count in args.entries]
    if len(peaks) > 1:
        ratio = peaks[-1] / peaks[0]
        print(f"\npeak RSS at {args.entries[-1]:,} vs {args.entries[0]:,}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
