"""Export throughput (creates and modifies per second) against ldapadd/ldapmodify.

One throwaway slapd; the connector exports N generated users into ``ou=people`` (the
seed's POSIX example), then N display-name changes. The same changes, taken from the
connector's own plan as LDIF and moved to ``ou=bench,ou=people``, are sent with
``ldapadd``/``ldapmodify`` over LDAPS as the same service account. Prints figures and the
ratios; asserts nothing about time. The link store is in memory, or with ``--file`` a
SQLite file (WAL), where each create also commits its intent before the add.

    .venv/bin/python benchmarks/bench_export.py [N] [--file]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportReport
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer


def _tool(server: OpenLDAPServer, program: str, ldif: str) -> float:
    argv = [
        program, "-x", "-H", server.ldaps_uri, "-D", server.service_dn,
        "-w", server.service_password,
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(
        argv, input=ldif, text=True, env=server.tool_env(), check=True, capture_output=True
    )
    return time.perf_counter() - started


def _moved(report: ExportReport, people: str) -> str:
    return report.ldif().replace(f",{people}", f",ou=bench,{people}")


def _timed(run: object) -> tuple[ExportReport, float]:
    started = time.perf_counter()
    report: ExportReport = run()  # type: ignore[operator]
    return report, time.perf_counter() - started


def _store(folder: str | None) -> SqliteLinkStore:
    if folder is None:
        return SqliteLinkStore.in_memory()
    return SqliteLinkStore.open(Path(folder) / "state.sqlite")


def main(count: int, *, file: bool = False) -> None:
    """Run the benchmark with ``count`` users and print the figures."""
    with (
        tempfile.TemporaryDirectory() as folder,
        OpenLDAPServer() as server,
        _store(folder if file else None) as store,
    ):
        people = server.people_dn
        server.add_ldif(f"dn: ou=bench,{people}\nobjectClass: organizationalUnit\nou: bench\n")
        data = posix_example(server.connectivity(security="ldaps"), people_dn=people)
        config = ConnectorConfig.from_dict(data, allow_literal_password=True)
        records = users(count)
        with Connector(config, store=store) as connector:
            add_plan = connector.plan(records)
            created, create_seconds = _timed(lambda: connector.export(records))
            for record in records:
                record["displayName"] += " changed"
            modify_plan = connector.plan(records)
            modified, modify_seconds = _timed(lambda: connector.export(records))
        assert created.ok, created.failed[:3]
        assert modified.ok, modified.failed[:3]
        ldapadd = _tool(server, "ldapadd", _moved(add_plan, people))
        ldapmodify = _tool(server, "ldapmodify", _moved(modify_plan, people))
    where = "a SQLite file" if file else "memory"
    print(f"export of {count} users on OpenLDAP (LDAPS, service account), links in {where}")
    print(f"  creates:  {count / create_seconds:8.0f}/s  ({create_seconds:.2f} s)")
    ratio = create_seconds / ldapadd
    print(f"  ldapadd:  {count / ldapadd:8.0f}/s  ({ldapadd:.2f} s)  ratio {ratio:.1f}x")
    print(f"  modifies: {count / modify_seconds:8.0f}/s  ({modify_seconds:.2f} s)")
    print(
        f"  ldapmodify: {count / ldapmodify:6.0f}/s  ({ldapmodify:.2f} s)  "
        f"ratio {modify_seconds / ldapmodify:.1f}x"
    )


if __name__ == "__main__":
    numbers = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    main(int(numbers[0]) if numbers else 2000, file="--file" in sys.argv[1:])
