"""Export throughput (creates and modifies per second) against ldapadd/ldapmodify.

One throwaway slapd; the connector exports N generated users into ``ou=people`` (the
seed's POSIX example), then N display-name changes, then the same records again unchanged.
The same changes, taken from the connector's own plan as LDIF and moved to
``ou=bench,ou=people``, are sent with ``ldapadd``/``ldapmodify`` over LDAPS as the same
service account. Prints ops/s, the ratio to the C tool (wall time; below 1.0 the
connector is faster), the client's CPU time per phase and the peak RSS; asserts nothing
about time. The link store is in memory, or with ``--file`` a SQLite file (WAL), where each
create also commits its intent before the add. ``--window W`` sets ``[global]
write_window`` (1: one write at a time, as before pipelining). ``--profile PHASE``
(``creates``, ``modifies`` or ``unchanged``) runs that phase under cProfile and prints its
30 costliest functions by own time (profiled figures are inflated; compare CPU without it).

    .venv/bin/python benchmarks/bench_export.py [N] [--file] [--window W] [--profile PHASE]
    .venv/bin/python benchmarks/bench_export.py 10000 --file      # the issue's target size
    .venv/bin/python benchmarks/bench_export.py 10000 --file --profile unchanged
"""

from __future__ import annotations

import cProfile
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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


_PHASES = ("creates", "modifies", "unchanged")


def _timed(
    run: Callable[[], ExportReport], profiler: cProfile.Profile | None = None
) -> tuple[ExportReport, float, float]:
    """The report, the wall seconds and the client's CPU seconds of one export."""
    started, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    report = run()
    if profiler is not None:
        profiler.disable()
    return report, time.perf_counter() - started, time.process_time() - cpu


def _store(folder: str | None) -> SqliteLinkStore:
    if folder is None:
        return SqliteLinkStore.in_memory()
    return SqliteLinkStore.open(Path(folder) / "state.sqlite")


def _line(name: str, count: int, wall: float, cpu: float, tool: float | None = None) -> str:
    text = f"  {name:<10} {count / wall:7.0f}/s  ({wall:6.2f} s, client CPU {cpu:5.2f} s)"
    if tool is not None:
        text += f"  ratio {wall / tool:.2f}x"
    return text


def main(
    count: int, *, file: bool = False, window: int | None = None, profile: str | None = None
) -> None:
    """Run the benchmark with ``count`` users and print the figures."""
    profiler = cProfile.Profile() if profile is not None else None
    chosen = {phase: profiler if phase == profile else None for phase in _PHASES}
    with (
        tempfile.TemporaryDirectory() as folder,
        OpenLDAPServer() as server,
        _store(folder if file else None) as store,
    ):
        people = server.people_dn
        server.add_ldif(f"dn: ou=bench,{people}\nobjectClass: organizationalUnit\nou: bench\n")
        data = posix_example(server.connectivity(security="ldaps"), people_dn=people)
        if window is not None:
            data.setdefault("global", {})["write_window"] = window
        config = ConnectorConfig.from_dict(data, allow_literal_password=True)
        records = users(count)
        with Connector(config, store=store) as connector:
            add_plan = connector.plan(records)
            created, create_wall, create_cpu = _timed(
                lambda: connector.export(records), chosen["creates"]
            )
            for record in records:
                record["displayName"] += " changed"
            modify_plan = connector.plan(records)
            modified, modify_wall, modify_cpu = _timed(
                lambda: connector.export(records), chosen["modifies"]
            )
            same, same_wall, same_cpu = _timed(
                lambda: connector.export(records), chosen["unchanged"]
            )
        assert created.ok, created.failed[:3]
        assert modified.ok, modified.failed[:3]
        assert same.ok, same.failed[:3]
        ldapadd = _tool(server, "ldapadd", _moved(add_plan, people))
        ldapmodify = _tool(server, "ldapmodify", _moved(modify_plan, people))
    where = "a SQLite file" if file else "memory"
    print(
        f"export of {count} users on OpenLDAP (LDAPS, service account), links in {where}, "
        f"write_window {config.global_.write_window}"
    )
    print(_line("creates", count, create_wall, create_cpu, ldapadd))
    print(f"  ldapadd    {count / ldapadd:7.0f}/s  ({ldapadd:6.2f} s)")
    print(_line("modifies", count, modify_wall, modify_cpu, ldapmodify))
    print(f"  ldapmodify {count / ldapmodify:7.0f}/s  ({ldapmodify:6.2f} s)")
    print(_line("unchanged", count, same_wall, same_cpu))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS   {peak:.0f} MiB")
    if profiler is not None:
        print(f"\nprofile of the {profile} phase (own time, top 30):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(30)


def _option(name: str) -> int | None:
    arguments = sys.argv[1:]
    if name in arguments:
        return int(arguments[arguments.index(name) + 1])
    return None


def _text_option(name: str) -> str | None:
    arguments = sys.argv[1:]
    if name in arguments:
        value = arguments[arguments.index(name) + 1]
        if value not in _PHASES:
            raise SystemExit(f"{name} takes one of {', '.join(_PHASES)}, not {value!r}")
        return value
    return None


if __name__ == "__main__":
    window = _option("--window")
    profile = _text_option("--profile")
    given = {str(window), profile}
    numbers = [a for a in sys.argv[1:] if not a.startswith("--") and a not in given]
    main(
        int(numbers[0]) if numbers else 2000,
        file="--file" in sys.argv[1:],
        window=window,
        profile=profile,
    )
