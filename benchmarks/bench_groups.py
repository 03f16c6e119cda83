"""Group membership: adding 1,000 members to a 10,000-member group, time and requests sent.

One throwaway slapd; the connector exports 11,000 users, a groupOfNames with 10,000 of
them as members (chunked adds), then the same group with 1,000 more members. Prints the
wall and client CPU time of that last membership run and the modify requests it sent and
values it carried, next to one full replace of the attribute with all 11,000 values on a
copy of the group (what a connector that replaces the attribute would send). Asserts
nothing about time. ``--server ds389`` runs the same on a throwaway 389 DS (about 10 s
more to start, and slower adds), ``--server ds389-refint`` on one with the MemberOf and
Referential Integrity plug-ins on (which update every member's ``memberOf``).

    .venv/bin/python benchmarks/bench_groups.py [GROUP_SIZE] [ADDED] [--chunk N]
        [--server openldap|ds389|ds389-refint]
"""

from __future__ import annotations

import sys
import time
from typing import Any

from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.profiles import MembershipReport
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import DS389Plugin, DS389Server, OpenLDAPServer

_SERVERS = {
    "openldap": OpenLDAPServer,
    "ds389": DS389Server,
    "ds389-refint": lambda: DS389Server(plugins=(DS389Plugin.MEMBEROF, DS389Plugin.REFINT)),
}


def _config(server: Any, chunk: int) -> ConnectorConfig:
    people, groups = server.people_dn, server.groups_dn
    cn = {"type": "direct", "source": "name", "target": "cn"}
    return server.connector_config(
        as_service=False,
        object_types=[
            {"name": "users", "target": "inetOrgPerson", "containers": [people], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "uid=", [login], ",{people}")'},
                {"type": "direct", "source": "login", "target": "sn"}, cn,
            ]},
            {"name": "groups", "target": "groupOfNames", "containers": [groups], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "cn=", [name], ",{groups}")'}, cn,
            ], "membership": {"members_of": "users", "placeholder_member": "cn=nobody",
                              "chunk_size": chunk}},
        ],
    )  # fmt: skip


def _group(size: int) -> dict[str, Any]:
    return {"id": "g1", "name": "big", "members": [f"u{n}" for n in range(size)]}


def _members(config: ConnectorConfig, stores: dict[str, SqliteLinkStore],
             record: dict[str, Any]) -> tuple[MembershipReport, float, float]:  # fmt: skip
    groups = config.for_object_type("groups")
    with Connector(groups, stores["groups"], member_store=stores["users"]) as connector:
        connector.open()
        started, cpu = time.perf_counter(), time.process_time()
        report = connector.export_members([record])
        return report, time.perf_counter() - started, time.process_time() - cpu


def _replace(server: Any, config: ConnectorConfig, values: list[str]) -> float:
    """One modify replacing the whole member attribute of a copy of the group."""
    dn = f"cn=copy,{server.groups_dn}"
    with Connector(config.for_object_type("groups")) as connector:
        connection = connector.connection
        connection.add(dn, {"objectClass": ["groupOfNames"], "cn": ["copy"], "member": values})
        started = time.perf_counter()
        connection.modify(dn, [Modification(ModifyOp.REPLACE, "member", tuple(values))])
        return time.perf_counter() - started


def main(argv: list[str]) -> None:
    """Run the benchmark and print its figures."""
    chunk = int(argv[argv.index("--chunk") + 1]) if "--chunk" in argv else 500
    kind = argv[argv.index("--server") + 1] if "--server" in argv else "openldap"
    numbers = [int(a) for a in argv if a.isdigit() and a != str(chunk)]
    size, added = (numbers + [10_000, 1_000][len(numbers) :])[:2]
    stores = {name: SqliteLinkStore.in_memory() for name in ("users", "groups")}
    print(f"server: {kind}")
    with _SERVERS[kind]() as server:
        config = _config(server, chunk)
        users = [{"id": f"u{n}", "login": f"user{n}", "name": f"User {n}"}
                 for n in range(size + added)]  # fmt: skip
        with Connector(config.for_object_type("users"), stores["users"]) as connector:
            connector.export(users)
        with Connector(config.for_object_type("groups"), stores["groups"]) as connector:
            connector.export([_group(size)])
        first, wall, _ = _members(config, stores, _group(size))
        print(f"group of {size} created: {first.operation_count} requests, {wall:.2f} s")
        report, wall, cpu = _members(config, stores, _group(size + added))
        (result,) = report.results
        assert result.error is None, result.error
        values = sum(len(c.values) for op in result.operations for c in op.changes)
        print(f"add {added} members to a {size}-member group (chunks of {chunk}):")
        print(f"  {wall:.3f} s wall, {cpu:.3f} s client CPU (read the group + resolve + send)")
        print(f"  {report.operation_count} modify requests sent, {values} values in them")
        dns = [f"uid=user{n},{server.people_dn}" for n in range(size + added)]
        replace = _replace(server, config, dns)
        print(f"  one full replace instead: 1 request with {len(dns)} values, {replace:.3f} s")
        print(f"  values sent, incremental / replace: {values / len(dns):.3f}")
    for store in stores.values():
        store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
