"""Four export workers on one PostgreSQL connector space, killed at random: 0 lost, 0 dup.

The acceptance test of issue #17: four child processes export a shard each (source ids by
CRC-32) of 20,000 generated users into one slapd through one
:class:`~ldapconnector.space.PostgresLinkStore` schema. A seeded ``random.Random``
SIGKILLs a running worker every 2-6 s (12 times) and starts it again, until every worker
finished its shard (each run of a shard exports all of it again). Then ``ldapsearch`` (not
the library) must show each user exactly once, every user must have one active link, every
link must name the entry of its own user (uid) holding its anchor (entryUUID), and no
intent may be left open. It takes about 80 s on an idle 2-core machine (up to ~3 min
when other test runs share it). The engine is
``tests/soak/_workers.py`` (shared with ``benchmarks/bench_workers.py``, which measures 1,
2 and 4 workers); ``test_workers_audit.py`` checks that the audit sees each fault.
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
USERS = 20000
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


@pytest.mark.timeout(900)  # ~80 s on an idle 2-core machine, ~3 min beside other test runs
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
    # Kills every 1-3 s (at most 12): a 4-worker export of 20,000 takes 30 s on a quiet
    # machine and over a minute under load, and either must see 8 kills at least.
    seconds = workers.run(random.Random(SEED), kill_every=3.0)  # noqa: S311 - seeded kills
    assert workers.kills >= 8
    found = engine.audit(server, dsn, "workers_soak", USERS)
    print(f"\n{found} after {workers.kills} kills and {workers.starts} starts in {seconds:.0f} s")
    assert (found.entries, found.missing, found.duplicated) == (USERS, 0, 0)
    assert (found.links, found.unlinked, found.open_intents) == (USERS, 0, 0)
    assert (found.links_without_entry, found.links_disagreeing) == (0, 0)
