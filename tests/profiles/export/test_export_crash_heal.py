"""A connector process killed between the directory's confirmation and the link commit.

The directory already holds the entries the dead process added, but the link store never
recorded them. The next run must heal by correlation (the matching attribute ``mail``)
and join them: every user exists exactly once and the links agree with the directory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome
from ldapconnector.space import LinkState, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

USERS = 400
CRASH_AT_LINK = 150

# Runs an export whose process dies (os._exit: no cleanup, no commit) when the runner
# writes its 150th link, i.e. after the directory confirmed at least 150 adds.
CHILD = """
import json, os, sys
from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.space import SqliteLinkStore

section, people, state, count, crash_at = json.loads(sys.argv[1])
config = ConnectorConfig.from_dict(
    posix_example(section, people_dn=people), allow_literal_password=True
)
written = 0
real_put = SqliteLinkStore.put

def put_then_die(self, link):
    global written
    written += 1
    if written == crash_at:
        os._exit(9)
    real_put(self, link)

SqliteLinkStore.put = put_then_die
with SqliteLinkStore.open(state) as store, Connector(config, store=store) as connector:
    connector.export(users(count))
os._exit(0)
"""


def test_rerun_after_a_crash_joins_instead_of_duplicating(
    fresh_openldap_server: OpenLDAPServer, tmp_path: Path
) -> None:
    """After the process died mid-run, the next run joins what it had written."""
    server = fresh_openldap_server
    section = server.connectivity(security="ldaps")
    state = tmp_path / "state.sqlite"
    argument = json.dumps([section, server.people_dn, str(state), USERS, CRASH_AT_LINK])
    child = subprocess.run(
        [sys.executable, "-c", CHILD, argument], capture_output=True, text=True, timeout=300
    )
    assert child.returncode == 9, child.stderr[-2000:]
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        written = sum(1 for _ in conn.search(server.people_dn, "(objectClass=posixAccount)"))
    assert written >= CRASH_AT_LINK

    config = ConnectorConfig.from_dict(
        posix_example(section, people_dn=server.people_dn), allow_literal_password=True
    )
    with SqliteLinkStore.open(state) as store:
        linked_before = store.count(LinkState.ACTIVE)
        assert linked_before < CRASH_AT_LINK  # the crash lost the uncommitted links
        with Connector(config, store=store) as connector:
            report = connector.export(users(USERS))
        links = {link.anchor.value for link in store.iter_links(LinkState.ACTIVE)}

    outcomes = [result.outcome for result in report.results]
    assert not report.failed
    # Entries written but never linked are joined; linked ones are unchanged; none is new.
    assert outcomes.count(ExportOutcome.JOINED) == written - linked_before
    assert outcomes.count(ExportOutcome.UNCHANGED) == linked_before
    assert outcomes.count(ExportOutcome.CREATED) == USERS - written
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        found = list(
            conn.search(
                server.people_dn, "(objectClass=posixAccount)", attributes=["uid", "entryUUID"]
            )
        )
    uids = [entry.texts("uid")[0] for entry in found]
    assert len(uids) == USERS == len(set(uids))
    assert links == {entry.texts("entryUUID")[0].lower() for entry in found}
