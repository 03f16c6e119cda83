"""Four export workers on one PostgreSQL connector space, killed at random: 0 lost, 0 dup.

Four child processes export a shard each (source ids by CRC-32) of the same generated
users into one slapd through one :class:`~ldapconnector.space.PostgresLinkStore` schema.
A seeded ``random.Random`` SIGKILLs a running worker every 1-3 s and starts it again,
until every worker finished its shard. Then ``ldapsearch`` (not the library) must show
each user exactly once, every link must name an existing entry, and no intent may be
left open. The engine is ``tests/soak/_workers.py`` (shared with
``benchmarks/bench_workers.py``, which runs 20,000 users and measures 1, 2, 4 workers).
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ldapconnector.cli._demo_data import posix_example
from ldapconnector.testing import OpenLDAPServer, PostgreSQLServer

pytestmark = [
    pytest.mark.soak,
    pytest.mark.integration,
    pytest.mark.openldap,
    pytest.mark.postgresql,
]

SEED = 20261206
USERS = 2000
WORKERS = 4


def load_engine() -> ModuleType:
    """Import ``_workers.py`` next to this file (tests are not a package)."""
    path = Path(__file__).with_name("_workers.py")
    spec = importlib.util.spec_from_file_location("soak_workers_engine", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # attrs resolves the module's annotations through it
    spec.loader.exec_module(module)
    return module


def test_killed_workers_lose_and_duplicate_nothing(
    fresh_openldap_server: OpenLDAPServer, postgresql_server: PostgreSQLServer, tmp_path: Path
) -> None:
    """Every user exactly once, every link true, no open intent, after random kills."""
    engine = load_engine()
    server = fresh_openldap_server
    config = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    config["deprovisioning"]["max_deletes"] = 0  # a worker must never delete anything
    dsn = postgresql_server.dsn()
    workers = engine.Workers(tmp_path, config, dsn, "workers_soak", USERS, WORKERS)
    # Kills every 0.4-1.2 s: the faster the export, the sooner they must come.
    workers.run(random.Random(SEED), kill_every=1.2)  # noqa: S311 - seeded kill points
    assert workers.kills >= 3
    found = engine.audit(server, dsn, "workers_soak", USERS)
    print(f"\n{found} after {workers.kills} kills and {workers.starts} starts")
    assert (found.entries, found.missing, found.duplicated) == (USERS, 0, 0)
    assert (found.links, found.links_without_entry, found.open_intents) == (USERS, 0, 0)
