"""Several workers on one PostgreSQL connector space, exporting into one real slapd."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.errors import LinkStoreError
from ldapconnector.profiles import ExportOutcome, ExportReport
from ldapconnector.space import LinkState, PostgresLinkStore
from ldapconnector.testing import OpenLDAPServer, PostgreSQLServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap, pytest.mark.postgresql]

_SPACES = itertools.count(1)
_ROOT = Path(__file__).parents[2]


def _uids(server: OpenLDAPServer) -> Counter[str]:
    """How many entries carry each uid under the people container (read with ldapsearch)."""
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", server.people_dn,
        "(objectClass=inetOrgPerson)", "uid",
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=True)
    return Counter(line[5:] for line in done.stdout.splitlines() if line.startswith("uid: "))


def _config(server: OpenLDAPServer, *, delta: bool = False) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    if delta:
        data["run_profiles"] = {**data.get("run_profiles", {}), "delta_import": True}
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def test_two_workers_exporting_the_same_users_create_each_once(
    fresh_openldap_server: OpenLDAPServer, postgresql_server: PostgreSQLServer
) -> None:
    """Both workers get every record; the source locks let exactly one of them add each."""
    server = fresh_openldap_server
    schema = f"workers_{next(_SPACES)}"
    records = users(40)
    config = _config(server)
    reports: list[ExportReport] = []
    start = threading.Barrier(2)

    def worker() -> None:
        store = PostgresLinkStore.connect(postgresql_server.dsn(), schema=schema)
        with store, Connector(config, store=store) as connector:
            _ = connector.schema  # connect and read the schema before the race starts
            start.wait()
            reports.append(connector.export(records))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = Counter(r.outcome for report in reports for r in report.results)
    assert outcomes[ExportOutcome.FAILED] == 0, [
        r.error for report in reports for r in report.results if r.error
    ]
    assert outcomes[ExportOutcome.CREATED] == len(records)
    assert outcomes[ExportOutcome.UNCHANGED] == len(records)
    uids = _uids(server)
    assert len(uids) == len(records)
    assert set(uids.values()) == {1}
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema=schema) as store:
        assert store.count(LinkState.ACTIVE) == len(records)
        assert store.list_intents() == ()


def test_the_cli_keeps_its_space_in_postgresql(
    fresh_openldap_server: OpenLDAPServer, postgresql_server: PostgreSQLServer, tmp_path: Path
) -> None:
    """[space] backend = "postgresql" with dsn_env: links land in that schema, no state file."""
    server = fresh_openldap_server
    schema = f"cli_{next(_SPACES)}"
    section = server.connectivity(security="ldaps")
    data = posix_example(section, people_dn=server.people_dn)
    config = tmp_path / "connector.toml"
    config.write_text(_toml(data, schema), encoding="utf-8")
    source = tmp_path / "users.jsonl"
    source.write_text("".join(f"{_json(r)}\n" for r in users(3)), encoding="utf-8")
    env = {
        **os.environ, "PYTHONPATH": str(_ROOT), "TEST_LDAP_PASSWORD": server.service_password,
        "TEST_SPACE_DSN": postgresql_server.dsn(),
    }  # fmt: skip
    argv = [sys.executable, "-m", "ldapconnector", "export", "--config", str(config)]
    done = subprocess.run(
        [*argv, "--source", str(source)], capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob("*.sqlite"))
    with PostgresLinkStore.connect(postgresql_server.dsn(), schema=schema) as store:
        assert store.count() == 3


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def _toml(data: dict[str, object], schema: str) -> str:
    """The example config as TOML, with the password and the DSN taken from the environment."""
    import json

    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            for name, item in value.items():
                if name == "password":
                    lines.append('password_env = "TEST_LDAP_PASSWORD"')
                else:
                    lines.append(f"{name} = {json.dumps(item)}")
        elif isinstance(value, list):
            for table in value:
                lines.append(f"[[{key}]]")
                lines.extend(f"{name} = {json.dumps(item)}" for name, item in table.items())
    lines += ["[space]", 'backend = "postgresql"', 'dsn_env = "TEST_SPACE_DSN"']
    lines.append(f'schema = "{schema}"')
    return "\n".join(lines) + "\n"


def test_one_delta_importer_at_a_time_and_a_dead_ones_lease_expires(
    fresh_openldap_server: OpenLDAPServer, postgresql_server: PostgreSQLServer
) -> None:
    """A second delta import is refused while one runs or a live lease is held; an expired
    lease (its worker died) is taken over."""
    server = fresh_openldap_server
    schema = f"delta_{next(_SPACES)}"
    config = _config(server, delta=True)
    dsn = postgresql_server.dsn()
    first_store = PostgresLinkStore.connect(dsn, schema=schema)
    second_store = PostgresLinkStore.connect(dsn, schema=schema)
    with first_store, second_store, Connector(config, store=first_store) as first:
        assert first.delta_import().baseline  # establishes the watermark, lease given back
        first.export(users(2))
        running = first.delta_import()
        batches = iter(running)
        assert next(batches).records  # the first run is under way, holding the lease
        with Connector(config, store=second_store) as second:
            with pytest.raises(LinkStoreError, match="another worker is running the delta"):
                second.delta_import()
            list(batches)  # the first run ends and gives the lease up
            assert second.delta_import().drain().changes == 0
            lease = "delta_import:delta_import"
            assert first_store.acquire_lease(lease, "alive", timedelta(minutes=5))
            with pytest.raises(LinkStoreError, match="another worker"):
                second.delta_import()
            first_store.release_lease(lease, "alive")
            assert first_store.acquire_lease(lease, "dead", timedelta(seconds=-1))
            assert second.delta_import().drain().changes == 0
