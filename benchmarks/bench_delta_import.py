"""Delta import vs full import: 100 changes in a 100,000-entry OpenLDAP directory.

Seeds a throwaway slapd with N inetOrgPerson entries, then in one run:
1. a first delta import (establishes the watermark, before the full import as advised);
2. ``Connector.full_import().drain()`` of the whole directory (into a link store file);
3. 100 changes as the directory admin (another account): 25 adds, 25 modifies,
   25 renames/moves, 25 deletes;
4. a delta import that delivers them (``DeltaImportResult.drain()``), timed.

Prints both times (with the client's CPU) and their ratio (the issue's target: at most
2 %). Asserts nothing
about time. Usage: ``python benchmarks/bench_delta_import.py [--entries 100000]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_search import seed_ldif

from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.connector import Connector
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

BASE = "dc=contoso,dc=lab"
BENCH = f"ou=bench,ou=people,{BASE}"


def _config(server: OpenLDAPServer) -> ConnectorConfig:
    return ConnectorConfig.from_dict(
        {
            "connectivity": server.connectivity("ldaps", "simple"),
            "object_type": {"target": "inetOrgPerson", "containers": [BENCH]},
            "mappings": [{"type": "direct", "source": "uid", "target": "-dn-"}],
            "run_profiles": {"export": False, "delta_import": True},
        },
        allow_literal_password=True,
    )


def _make_changes(admin: LdapConnection, quarter: int) -> None:
    for i in range(quarter):
        uid = f"new{i:04d}"
        admin.add(
            f"uid={uid},{BENCH}",
            {"objectClass": "inetOrgPerson", "uid": uid, "cn": uid, "sn": "New"},
        )
        admin.modify(f"uid=user{i:06d},{BENCH}", [Modification(ModifyOp.REPLACE, "title", "CTO")])
        admin.modify_dn(f"uid=user{quarter + i:06d},{BENCH}", f"uid=renamed{i:04d}")
        admin.delete(f"uid=user{2 * quarter + i:06d},{BENCH}")


def main() -> None:
    """Seed, import fully, change 100 entries, import the delta, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=100)
    args = parser.parse_args()
    quarter = max(1, args.changes // 4)
    started = time.perf_counter()
    with (
        OpenLDAPServer(seed_ldif=seed_ldif(args.entries)) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        print(f"seeded {args.entries:,} entries in {time.perf_counter() - started:.1f} s")
        store = SqliteLinkStore.open(Path(tmp) / "state.sqlite")
        with store, Connector(_config(server), store=store) as connector:
            connector.delta_import().drain()  # the watermark, before the full import
            t0, cpu0 = time.perf_counter(), time.process_time()
            full = connector.full_import().drain()
            full_seconds, full_cpu = time.perf_counter() - t0, time.process_time() - cpu0
            admin_settings = server.connectivity_config("ldaps", "simple", as_service=False)
            with open_connection(admin_settings) as admin:
                _make_changes(admin, quarter)
            t0, cpu0 = time.perf_counter(), time.process_time()
            delta = connector.delta_import().drain()
            delta_seconds, delta_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(
        f"full import:  {full.objects:,} objects in {full_seconds:.3f} s "
        f"(client CPU {full_cpu:.3f} s)"
    )
    print(
        f"delta import: {delta.changes} changes ({delta.log_entries} log entries) "
        f"in {delta_seconds * 1000:.1f} ms (client CPU {delta_cpu * 1000:.1f} ms)"
    )
    print(f"ratio: {delta_seconds / full_seconds:.2%} of the full import (target <= 2 %)")


if __name__ == "__main__":
    main()
