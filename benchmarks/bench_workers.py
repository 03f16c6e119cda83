"""Export throughput with 1, 2 and 4 workers sharing one PostgreSQL connector space.

One throwaway slapd and one throwaway PostgreSQL; each worker count exports the same
generated users into its own container under ``ou=people`` with its own PostgreSQL
schema, so no run finds another's entries. Each worker is a child process exporting its
shard (source ids by CRC-32); the time is from the first start to the last worker's exit,
start-up (imports, bind, detection, schema) included.
With ``--kill`` a seeded random worker is SIGKILLed every 1-3 s (``--kills`` times at
most) and restarted, and the audit (``ldapsearch``: each user once; every link's entry
exists; no open intent) is printed. Prints users/s per worker count and the ratio to one
worker; asserts nothing about time. This machine has 2 cores shared by slapd, PostgreSQL
and the workers, so each run also prints the CPU seconds each of them used (slapd and
the PostgreSQL server from ``/proc/<pid>/stat``, the postmaster counting its ended
sessions; the workers from ``getrusage`` of this process's children) and what share of
the two cores they kept busy: where that share nears 100 %, the machine is the limit,
and the largest consumer is the one to look at.

    .venv/bin/python benchmarks/bench_workers.py [--users 20000] [--workers 1 2 4]
        [--kill] [--kills 20]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from ldapconnector.cli._demo_data import posix_example
from ldapconnector.testing import OpenLDAPServer, PostgreSQLServer

ENGINE = Path(__file__).resolve().parents[1] / "tests" / "soak" / "_workers.py"


def load_engine() -> ModuleType:
    """Import the shared engine (tests are not a package)."""
    spec = importlib.util.spec_from_file_location("bench_workers_engine", ENGINE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int, *, children: bool = False) -> float:
    """CPU seconds (user + system) of a process, with its waited-for children if asked."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    used = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat(5))
    if children:
        used += int(fields[13]) + int(fields[14])  # cutime, cstime
    return used / _TICK


def _workers_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu(server: OpenLDAPServer, pg: PostgreSQLServer) -> dict[str, float]:
    """The CPU seconds used so far by slapd, PostgreSQL and this process's children."""
    assert pg.directory is not None
    postmaster = int((pg.directory / "data" / "postmaster.pid").read_text().split()[0])
    return {
        "slapd": _cpu_of(server.pid), "postgresql": _cpu_of(postmaster, children=True),
        "workers": _workers_cpu(),
    }  # fmt: skip


def _print_cpu(before: dict[str, float], after: dict[str, float], seconds: float) -> None:
    used = {name: after[name] - before[name] for name in before}
    parts = ", ".join(
        f"{name} {cpu:.1f} s ({cpu / seconds:.0%} of a core)" for name, cpu in used.items()
    )
    busy = sum(used.values()) / (seconds * (os.cpu_count() or 1))
    load = os.getloadavg()[0]  # other programs on the machine show here
    print(f"  CPU: {parts}; {busy:.0%} of {os.cpu_count()} cores busy; load average {load:.1f}")


def _run(engine: ModuleType, server: OpenLDAPServer, dsn: str, args: argparse.Namespace,
         count: int, tmp: Path) -> float:  # fmt: skip
    ou = f"ou=w{count},{server.people_dn}"
    subprocess.run(
        ["ldapadd", "-x", "-H", server.ldapi_uri, "-D", server.admin_dn, "-w",
         server.admin_password],
        input=f"dn: {ou}\nobjectClass: organizationalUnit\nou: w{count}\n", text=True,
        check=True, capture_output=True,
    )  # fmt: skip
    config = posix_example(server.connectivity(security="ldaps"), people_dn=ou)
    schema = f"bench_{count}"
    spec_dir = tmp / schema
    spec_dir.mkdir()
    workers = engine.Workers(spec_dir, config, dsn, schema, args.users, count)
    seconds = workers.run(random.Random(args.seed) if args.kill else None, max_kills=args.kills)
    if args.kill:
        found = engine.audit(server, dsn, schema, args.users, people_dn=ou)
        print(f"  {count} workers: {workers.kills} kills; {found}")
    return seconds


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--kill", action="store_true", help="kill workers at random")
    parser.add_argument("--kills", type=int, default=20, help="at most this many kills")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    engine = load_engine()
    figures: dict[int, float] = {}
    with OpenLDAPServer() as server, PostgreSQLServer() as pg, tempfile.TemporaryDirectory() as tmp:
        for count in args.workers:
            before = _cpu(server, pg)
            figures[count] = _run(engine, server, pg.dsn(), args, count, Path(tmp))
            after = _cpu(server, pg)
            rate = args.users / figures[count]
            print(f"{count} worker(s): {args.users} users in {figures[count]:.1f} s = {rate:.0f}/s")
            _print_cpu(before, after, figures[count])
    base = figures[args.workers[0]]
    for count, seconds in figures.items():
        print(f"  {count} worker(s) vs {args.workers[0]}: x{base / seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
