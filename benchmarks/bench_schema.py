"""Schema layer figures: parse time of real schemas and validation throughput.

Run: ``.venv/bin/python benchmarks/bench_schema.py``. Prints figures; asserts nothing about
time. The largest schema at hand is Active Directory 2012 R2 as recorded by ldap3 (1,472
attribute types, 264 classes, 264 DIT content rules; target: parsed in under 1 s).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ldapconnector._ldif_io import read_ldif_file
from ldapconnector.schema import Schema

DATA = Path(__file__).parent.parent / "tests" / "data" / "schema"
FILES = {
    "AD 2012 R2": "ad-2012r2-subschema.json",
    "389 DS 1.3.3": "389ds-1.3.3-subschema.json",
    "eDirectory 8.8.8": "edirectory-8.8.8-subschema.json",
    "eDirectory 9.1.4": "edirectory-9.1.4-subschema.json",
    "OpenLDAP 2.4": "openldap-2.4-subschema.json",
    "OpenLDAP 2.5": "openldap-2.5-subschema.ldif",
}
ENTRIES = 10_000


def load(file_name: str) -> Mapping[str, Sequence[str]]:
    """The recorded subschema attributes in one data file."""
    path = DATA / file_name
    if path.suffix == ".json":
        attributes: dict[str, list[str]] = json.loads(path.read_text("utf-8"))["attributes"]
        return attributes
    (entry,) = read_ldif_file(path)
    return {key: [str(v) for v in values] for key, values in entry.attributes.items()}


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def bench_parse() -> None:
    """Parse every recorded schema several times; print best and median."""
    print("Parse (Schema.from_subschema), 7 runs each:")
    for label, file_name in FILES.items():
        subschema = load(file_name)
        values = sum(len(subschema.get(k, [])) for k in ("objectClasses", "attributeTypes"))
        times = timed(lambda s=subschema: Schema.from_subschema(s), 7)  # type: ignore[misc]
        print(
            f"  {label:<17} {values:>5} classes+types  best {min(times) * 1000:6.1f} ms"
            f"  median {statistics.median(times) * 1000:6.1f} ms"
        )


def posix_entries(count: int) -> list[dict[str, object]]:
    """OpenLDAP POSIX users; every tenth one has a problem (missing, bad or extra value)."""
    entries: list[dict[str, object]] = []
    for n in range(count):
        entry: dict[str, object] = {
            "objectClass": ["inetOrgPerson", "posixAccount", "shadowAccount"],
            "cn": f"User {n}",
            "sn": f"Surname{n}",
            "uid": f"user{n}",
            "uidNumber": str(10000 + n),
            "gidNumber": "10000",
            "homeDirectory": f"/home/user{n}",
            "mail": [f"user{n}@contoso.lab"],
            "loginShell": "/bin/bash",
            "shadowLastChange": "19000",
        }
        if n % 10 == 0:
            entry.pop("gidNumber")
        elif n % 10 == 5:
            entry["uidNumber"] = "not-a-number"
        entries.append(entry)
    return entries


def ad_entries(count: int) -> list[dict[str, object]]:
    """AD users with a DN, an aux class and the usual attributes."""
    return [
        {
            "dn": f"CN=User {n},OU=People,DC=contoso,DC=lab",
            "objectClass": ["top", "person", "organizationalPerson", "user"],
            "cn": f"User {n}",
            "sAMAccountName": f"user{n}",
            "userPrincipalName": f"user{n}@contoso.lab",
            "givenName": "User",
            "sn": str(n),
            "userAccountControl": "512",
            "nTSecurityDescriptor": b"\x01\x00",
            "objectCategory": "CN=Person,CN=Schema,CN=Configuration,DC=contoso,DC=lab",
        }
        for n in range(count)
    ]


def bench_validate() -> None:
    """Validate 10k entries against OpenLDAP 2.5 and AD 2012 R2; print entries per second."""
    print(f"Validate (Schema.validate), {ENTRIES:,} entries, best of 3:")
    cases = [
        ("OpenLDAP 2.5 POSIX", FILES["OpenLDAP 2.5"], posix_entries(ENTRIES)),
        ("AD 2012 R2 user", FILES["AD 2012 R2"], ad_entries(ENTRIES)),
    ]
    for label, file_name, entries in cases:
        schema = Schema.from_subschema(load(file_name))
        problems = sum(len(schema.validate(e)) for e in entries)
        best = min(timed(lambda s=schema, es=entries: [s.validate(e) for e in es], 3))  # type: ignore[misc]
        print(
            f"  {label:<19} {best:6.3f} s per {ENTRIES:,}  ({ENTRIES / best:,.0f} entries/s,"
            f" {best / ENTRIES * 1e6:5.1f} us each; {problems:,} problems found)"
        )


def main() -> None:
    """Print all figures."""
    bench_parse()
    bench_validate()


if __name__ == "__main__":
    main()
