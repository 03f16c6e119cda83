"""The workers soak's audit sees each kind of fault it is there to catch.

The soak (``test_workers_soak.py``) passes when its audit finds nothing wrong, so the
audit itself is checked here: a small clean run audits clean, then one fault of each
kind is made by hand (an entry deleted, a duplicate entry, a link pointing at another
user's entry, a link removed, an intent left open) and each is counted exactly once.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import attrs
import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.space import Intent, PostgresLinkStore
from ldapconnector.testing import OpenLDAPServer, PostgreSQLServer

pytestmark = [
    pytest.mark.soak,
    pytest.mark.integration,
    pytest.mark.openldap,
    pytest.mark.postgresql,
]

USERS = 30


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


def test_the_audit_counts_each_fault_once(
    fresh_openldap_server: OpenLDAPServer, postgresql_server: PostgreSQLServer, tmp_path: Path
) -> None:
    """Clean after two workers; then every hand-made fault shows in its own count."""
    engine = load_engine()
    server, dsn = fresh_openldap_server, postgresql_server.dsn()
    config = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    engine.Workers(tmp_path, config, dsn, "workers_audit", USERS, 2).run()
    clean = engine.audit(server, dsn, "workers_audit", USERS)
    assert clean == engine.Audit(
        expected=USERS, entries=USERS, duplicated=0, missing=0, links=USERS, unlinked=0,
        links_without_entry=0, links_disagreeing=0, open_intents=0,
    )  # fmt: skip
    with PostgresLinkStore.connect(dsn, schema="workers_audit") as store:
        deleted, swapped, other, removed, duplicate = list(store.iter_links())[:5]
        server.add_ldif(f"dn: {deleted.dn}\nchangetype: delete\n")
        store.put(attrs.evolve(swapped, dn=other.dn))
        store.remove(removed.source_id)
        store.put_intent(Intent(source_id="src-999999", dn="uid=x,dc=x", fingerprint={"ab"}))
    login = str(user_record(int(duplicate.source_id[4:]))["userPrincipalName"]).split("@")[0]
    server.add_ldif(
        f"dn: cn=dup,{server.people_dn}\nchangetype: add\nobjectClass: inetOrgPerson\n"
        f"cn: dup\nsn: dup\nuid: {login}\n"
    )
    found = engine.audit(server, dsn, "workers_audit", USERS)
    assert found == attrs.evolve(
        clean, duplicated=1, missing=1, links=USERS - 1, unlinked=1, links_without_entry=1,
        links_disagreeing=1, open_intents=1,
    )  # fmt: skip
