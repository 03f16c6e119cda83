"""Streaming paged search: entries/s and peak memory against ``ldapsearch`` on one slapd.

Seeds a throwaway OpenLDAP server with N inetOrgPerson entries, then reads them all with
the paged-results control (page size 1000) three ways in the same run:

- ``ldapsearch -E pr=1000/noprompt`` (C, libldap) writing to /dev/null: the reference;
- ``LdapConnection.search`` streamed (entries counted, never kept; the next page is
  requested while the current one is read);
- the same, materialised into a list (what not to do), for the memory comparison.

Each library measurement runs in a fresh subprocess so that its peak RSS is its own; it
prints the wall time, the ratio to ``ldapsearch`` and the client's CPU time (the part of
the ratio that is the library's own: on a loaded machine the wall time is not).
Usage: ``python benchmarks/bench_search.py [--entries 10000 100000]``. Prints figures and
ratios; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from ldapconnector.testing import OpenLDAPServer

BASE = "dc=contoso,dc=lab"
PAGE = 1000
#: Each reader runs this many times; the fastest run counts (load from elsewhere on the
#: machine only ever adds time).
REPEAT = 3


def seed_ldif(count: int) -> str:
    """LDIF for an OU with ``count`` people of about the size of a real user entry."""
    head = f"dn: ou=bench,ou=people,{BASE}\nobjectClass: organizationalUnit\nou: bench\n\n"
    people = (
        f"dn: uid=user{i:06d},ou=bench,ou=people,{BASE}\n"
        "objectClass: inetOrgPerson\n"
        f"uid: user{i:06d}\ncn: Bench User {i}\nsn: User{i}\ngivenName: Bench\n"
        f"mail: user{i:06d}@contoso.lab\ntelephoneNumber: +1 555 {i % 10000:04d}\n"
        f"title: Engineer\ndepartmentNumber: {i % 97}\n\n"
        for i in range(count)
    )
    return head + "".join(people)


def child(mode: str, settings_json: str) -> None:
    """Run one library measurement (in a subprocess) and print a JSON line."""
    from ldapconnector.config import ConnectivityConfig

    settings = ConnectivityConfig.from_dict(json.loads(settings_json), allow_literal_password=True)
    from ldapconnector.connection import open_connection

    started, cpu = time.perf_counter(), time.process_time()
    with open_connection(settings) as conn:
        results = conn.search(
            f"ou=bench,ou=people,{BASE}", "(objectClass=inetOrgPerson)", page_size=PAGE
        )
        # "list" keeps every entry (what not to do); "stream" counts and drops them.
        count = len(list(results)) if mode == "list" else sum(1 for _ in results)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    figures = {"count": count, "seconds": seconds, "cpu": cpu, "peak_mib": peak_rss_kib() / 1024}
    print(json.dumps(figures))


def peak_rss_kib() -> int:
    """This process's peak resident set size (VmHWM).

    Not ``getrusage``: on Linux ``ru_maxrss`` survives ``exec``, so a child started by a
    large parent would report the parent's size.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def run_child(mode: str, section: dict[str, object]) -> dict[str, float]:
    """Run :func:`child` in a fresh interpreter and return its figures."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, json.dumps(section)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def run_ldapsearch(server: OpenLDAPServer) -> float:
    """Time ldapsearch reading the same entries over the same transport."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(
            [
                "ldapsearch", "-x", "-LLL", "-H", server.ldap_uri,
                "-D", server.service_dn, "-w", server.service_password,
                "-b", f"ou=bench,ou=people,{BASE}", "-E", f"pr={PAGE}/noprompt",
                "(objectClass=inetOrgPerson)",
            ],
            check=True,
            stdout=sink,
        )  # fmt: skip
    return time.perf_counter() - started


def measure(count: int) -> None:
    """Seed a server with ``count`` entries and print the three measurements."""
    started = time.perf_counter()
    with OpenLDAPServer(seed_ldif=seed_ldif(count)) as server:
        print(f"\n{count:,} entries (seeded in {time.perf_counter() - started:.1f} s)")
        section = server.connectivity(security="none", allow_cleartext_bind=True)
        reference = min(run_ldapsearch(server) for _ in range(REPEAT))
        print(
            f"  ldapsearch -E pr={PAGE}   {reference:7.2f} s  {count / reference:9,.0f} entries/s"
        )
        for mode in ("stream", "list"):
            runs = [run_child(mode, dict(section)) for _ in range(REPEAT)]
            figures = min(runs, key=lambda run: run["seconds"])
            assert figures["count"] == count, figures
            rate = count / figures["seconds"]
            print(
                f"  ldapconnector {mode:<8}  {figures['seconds']:7.2f} s  {rate:9,.0f} entries/s"
                f"  {figures['seconds'] / reference:5.1f}x ldapsearch"
                f"  client CPU {figures['cpu']:5.2f} s  peak RSS {figures['peak_mib']:6.1f} MiB"
            )


def main() -> None:
    """Parse the arguments and run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    for count in args.entries:
        measure(count)


if __name__ == "__main__":
    main()
