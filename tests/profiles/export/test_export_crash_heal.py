"""A connector process killed between the directory's confirmation and the link commit.

The directory already holds the entries the dead process added, but the link store never
recorded their links. The next run must heal: with a matching attribute (``mail``) by
joining them; without one (a ``SelectUniqueValue`` DN, no ``matching_precedence``) from
the intents recorded before each add. Either way every user exists exactly once and the
links agree with the directory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.connector import Connector
from ldapconnector.errors import TransportError
from ldapconnector.profiles import ExportOutcome, export_request, run_export
from ldapconnector.space import LinkState, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

USERS = 400
CRASH_AT_LINK = 150

# Runs an export whose process dies (os._exit: no cleanup, no commit) when the runner
# writes its 150th link, i.e. after the directory confirmed at least 150 adds.
CHILD = """
import json, os, sys
from ldapconnector.cli._demo_data import users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.space import SqliteLinkStore

data, state, count, crash_at = json.loads(sys.argv[1])
config = ConnectorConfig.from_dict(data, allow_literal_password=True)
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


def without_matching(data: dict[str, Any], people: str) -> dict[str, Any]:
    """The POSIX example with no matching attribute and a DN unique per run.

    The DN is ``SelectUniqueValue(CN=<login>, CN=<login>-2, CN=<login>-3)``: a rerun that
    does not know the first entry is its own picks the next free DN and adds it again.
    """
    login = 'Word([userPrincipalName], 1, "@")'
    candidates = ", ".join(
        f'Join("", "CN=", {login}, "{suffix},{people}")' for suffix in ("", "-2", "-3")
    )
    mappings = [dict(m) for m in data["mappings"]]
    for mapping in mappings:
        mapping.pop("matching_precedence", None)
        if mapping["target"] == "-dn-":
            mapping["expression"] = f"SelectUniqueValue({candidates})"
    return {**data, "mappings": mappings}


def _crash(server: OpenLDAPServer, state: Path, users_: int, crash_at: int, unique: bool) -> int:
    """Run the export in a child that dies at its ``crash_at``-th link; entries written."""
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    if unique:
        data = without_matching(data, server.people_dn)
    argument = json.dumps([data, str(state), users_, crash_at])
    child = subprocess.run(
        [sys.executable, "-c", CHILD, argument], capture_output=True, text=True, timeout=300
    )
    assert child.returncode == 9, child.stderr[-2000:]
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        return sum(1 for _ in conn.search(server.people_dn, "(objectClass=posixAccount)"))


def _directory(server: OpenLDAPServer) -> dict[str, tuple[str, str]]:
    """uid -> (entryUUID, DN) of every user, read independently of the connector."""
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        found = list(
            conn.search(
                server.people_dn, "(objectClass=posixAccount)", attributes=["uid", "entryUUID"]
            )
        )
    uids = [entry.texts("uid")[0] for entry in found]
    assert len(uids) == len(set(uids)), f"{len(uids) - len(set(uids))} users duplicated"
    return {
        entry.texts("uid")[0]: (entry.texts("entryUUID")[0].lower(), entry.dn.lower())
        for entry in found
    }


def test_rerun_after_a_crash_joins_instead_of_duplicating(
    fresh_openldap_server: OpenLDAPServer, tmp_path: Path
) -> None:
    """After the process died mid-run, the next run joins what it had written."""
    server = fresh_openldap_server
    section = server.connectivity(security="ldaps")
    state = tmp_path / "state.sqlite"
    written = _crash(server, state, USERS, CRASH_AT_LINK, unique=False)
    assert written >= CRASH_AT_LINK

    config = ConnectorConfig.from_dict(
        posix_example(section, people_dn=server.people_dn), allow_literal_password=True
    )
    with SqliteLinkStore.open(state) as store:
        linked_before = store.count(LinkState.ACTIVE)
        assert linked_before < CRASH_AT_LINK  # the crash lost the uncommitted link
        # The add whose link died and those in flight with it (the pipeline's window;
        # answers may come in any order), none of them linked.
        intents = [intent.source_id for intent in store.list_intents()]
        assert 1 <= len(intents) <= config.global_.write_window
        assert all(store.get_by_source(source_id) is None for source_id in intents)
        with Connector(config, store=store) as connector:
            report = connector.export(users(USERS))
        links = {link.anchor.value for link in store.iter_links(LinkState.ACTIVE)}

    outcomes = [result.outcome for result in report.results]
    assert not report.failed
    # The entry written but never linked is linked from its open intent before the run
    # exports anything, so it is unchanged like the linked ones; none is new.
    # Each window of adds commits the links before it: what is unlinked was in flight.
    assert 1 <= written - linked_before <= len(intents)
    assert outcomes.count(ExportOutcome.UNCHANGED) == written
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


UNIQUE_USERS = 120
UNIQUE_CRASH_AT = 60


def test_rerun_after_a_crash_without_matching_attribute_does_not_duplicate(
    fresh_openldap_server: OpenLDAPServer, tmp_path: Path
) -> None:
    """With no matching attribute, the open intent links the entry the dead run added."""
    server = fresh_openldap_server
    section = server.connectivity(security="ldaps")
    state = tmp_path / "state.sqlite"
    written = _crash(server, state, UNIQUE_USERS, UNIQUE_CRASH_AT, unique=True)
    assert written >= UNIQUE_CRASH_AT
    data = without_matching(posix_example(section, people_dn=server.people_dn), server.people_dn)
    config = ConnectorConfig.from_dict(data, allow_literal_password=True)
    with SqliteLinkStore.open(state) as store, Connector(config, store=store) as connector:
        report = connector.export(users(UNIQUE_USERS))
        again = connector.export(users(UNIQUE_USERS))
        links = {(link.anchor.value, link.dn.lower()) for link in store.iter_links()}
        assert store.list_intents() == ()

    assert not report.failed, report.failed[:3]
    outcomes = [result.outcome for result in report.results]
    assert outcomes.count(ExportOutcome.CREATED) == UNIQUE_USERS - written
    assert outcomes.count(ExportOutcome.UNCHANGED) == written
    assert {result.outcome for result in again.results} == {ExportOutcome.UNCHANGED}
    directory = _directory(server)
    assert len(directory) == UNIQUE_USERS
    assert links == set(directory.values())


class LosesFirstAddReply:
    """The real connection, except that the reply of its first add is lost.

    No server here can be told to drop one reply, so the run's own connection is wrapped:
    the add really happens on slapd, then the client sees a lost connection, as when the
    network fails between the server's commit and its answer.
    """

    def __init__(self, connector: Connector) -> None:
        self._connector = connector
        self.lost: list[str] = []

    def __call__(self) -> Any:
        return self  # the request's ``connection`` callable: this stands for the connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connector.connection, name)

    def add(self, dn: str, *args: Any, **kwargs: Any) -> Any:
        made = self._connector.connection.add(dn, *args, **kwargs)
        if not self.lost:
            self.lost.append(dn)
            raise TransportError("connection lost before the reply (injected)")
        return made


def test_lost_reply_of_an_add_is_not_added_again(fresh_openldap_server: OpenLDAPServer) -> None:
    """An add whose reply is lost is linked from its intent on the retry, not re-added."""
    server = fresh_openldap_server
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    config = ConnectorConfig.from_dict(
        without_matching(data, server.people_dn), allow_literal_password=True
    )
    with SqliteLinkStore.in_memory() as store, Connector(config, store=store) as connector:
        faulty = LosesFirstAddReply(connector)
        # The sequential path, whose adds are the connection's ``add`` (the pipelined one
        # is tested in test_pipelined_export.py).
        request = attrs.evolve(export_request(connector), connection=faulty, write_window=1)
        report = run_export(request, users(3))
        assert store.list_intents() == ()
        links = {(link.anchor.value, link.dn.lower()) for link in store.iter_links()}
    lost = faulty.lost
    assert not report.failed, report.failed
    assert [dn.lower() for dn in lost] == [(report.results[0].dn or "").lower()]
    directory = _directory(server)
    assert len(directory) == 3
    assert links == set(directory.values())
