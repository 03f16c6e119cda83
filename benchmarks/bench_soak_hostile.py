"""The hostile-records soak at a larger count: export, rerun, audit, and print the totals.

Run: ``.venv/bin/python benchmarks/bench_soak_hostile.py [--records N] [--seed S]
[--per-record]``. The records come from the generator in ``tests/soak/_hostile.py`` and
the independent ldapsearch audit from ``tests/soak/_audit.py`` (the same as the ``soak``
test, which runs 2,000). A real OpenLDAP is started with the unmanaged entries seeded; the
records are exported twice (snapshot correlation by default, ``--per-record`` for one
search per record). Prints totals only; nothing here asserts: lost, duplicated, hijacked,
values differing, outside the container, half-applied and rerun changes should all be 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

from ldapconnector.cli._demo_data import posix_example
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import export_request, run_export
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

SOAK = Path(__file__).resolve().parent.parent / "tests" / "soak"


def load(name: str) -> ModuleType:
    """Import a helper module of tests/soak by path (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"soak_{name}", SOAK / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {SOAK / name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--per-record", action="store_true", help="no snapshot correlation")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the soak and print the totals of both runs."""
    args = _arguments(argv)
    hostile, audit = load("_hostile"), load("_audit")
    seed = hostile.SEED if args.seed is None else args.seed
    records = [record for _, record in hostile.generate(args.records, seed)]
    path = "per-record" if args.per_record else "snapshot"
    print(f"records: {len(records):,} (seed {seed}), {path} correlation")
    with OpenLDAPServer(seed_ldif=hostile.unmanaged_ldif()) as server:
        data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
        config = ConnectorConfig.from_dict(data, allow_literal_password=True)
        before = audit.read_before(server, hostile.UNMANAGED)
        with SqliteLinkStore.in_memory() as store, Connector(config, store=store) as connector:
            reports = []
            for run in ("first", "second"):
                started = time.perf_counter()
                report = run_export(
                    export_request(connector), records, snapshot=not args.per_record
                )
                took = time.perf_counter() - started
                reports.append(report)
                found = audit.audit_export(
                    server, records, report.results, store.iter_links(),
                    before=before, seeded=hostile.UNMANAGED,
                )  # fmt: skip
                print(f"{run} export: {took:.1f} s, {len(records) / took:,.0f} records/s")
                for line in found.lines():
                    print(f"  {line}")
    changed = audit.compare_runs(reports[0].results, reports[1].results)
    print(f"rerun changes (not unchanged, or not failed again): {len(changed)}")
    for line in changed[:20]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
