"""Fault injection: slapd is killed in the middle of a 2,000-user export and restarted."""

from __future__ import annotations

import threading
import time

import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import open_connection
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome, ObjectResult
from ldapconnector.space import LinkState, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

USERS = 2000
KILL_AT = 700


def restart_later(server: OpenLDAPServer, delay: float) -> threading.Thread:
    """Start the killed slapd again after ``delay`` seconds, in a thread."""

    def start() -> None:
        time.sleep(delay)
        server.restart()

    thread = threading.Thread(target=start)
    thread.start()
    return thread


def test_killed_server_mid_export_then_rerun_converges() -> None:
    """After a kill at user 700 and a restart, every user exists exactly once, links agree."""
    with OpenLDAPServer() as server, SqliteLinkStore.in_memory() as store:
        data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
        config = ConnectorConfig.from_dict(data, allow_literal_password=True)
        records = users(USERS)
        threads: list[threading.Thread] = []

        def progress(result: ObjectResult) -> None:
            if len(threads) == 0 and result.id == records[KILL_AT]["id"]:
                server.kill()
                threads.append(restart_later(server, 1.0))

        with Connector(config, store=store) as connector:
            first = connector.export(records, progress=progress)
            threads[0].join()
            second = connector.export(records)
        assert first.error is None, first.error
        assert len(first.results) == USERS
        assert not second.failed, second.failed[:3]
        assert second.summary["created"] + second.summary["joined"] == first.summary["failed"]
        with open_connection(server.connectivity_config(security="ldaps")) as conn:
            found = list(
                conn.search(
                    server.people_dn, "(objectClass=posixAccount)", attributes=["uid", "entryUUID"]
                )
            )
        uids = [e.texts("uid")[0] for e in found]
        assert len(uids) == USERS == len(set(uids))
        anchors = {e.texts("entryUUID")[0].lower() for e in found}
        links = list(store.iter_links(LinkState.ACTIVE))
        assert len(links) == USERS
        assert {link.anchor.value for link in links} == anchors
        assert {r.outcome for r in second.results} <= {
            ExportOutcome.UNCHANGED, ExportOutcome.CREATED, ExportOutcome.JOINED,
        }  # fmt: skip
