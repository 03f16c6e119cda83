"""Fault injection: slapd is killed in the middle of a 2,000-user export and restarted."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

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


class Restarter:
    """Kills the server's slapd and starts a new slapd on the same directory and ports.

    The test server offers no restart, so this runs slapd the way the fixture does (same
    ``slapd.d``, same ``-h`` URLs); the new process belongs to the test and is stopped
    before the fixture removes the directory.
    """

    def __init__(self, server: OpenLDAPServer) -> None:
        self.server = server
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def _argv(self) -> list[str]:
        directory = self.server.directory
        ldapi = "ldapi://" + urllib.parse.quote(str(directory / "ldapi"), safe="")
        urls = (
            f"ldap://127.0.0.1:{self.server.ldap_port}/ "
            f"ldaps://127.0.0.1:{self.server.ldaps_port}/ {ldapi}/"
        )
        slapd = shutil.which("slapd") or "/usr/sbin/slapd"
        return [slapd, "-d", "none", "-F", str(directory / "slapd.d"), "-h", urls]

    def kill(self) -> None:
        """SIGKILL slapd: no reply for requests in flight."""
        os.kill(self.server.pid, signal.SIGKILL)

    def start_later(self, delay: float) -> threading.Thread:
        """Start slapd again after ``delay`` seconds, in a thread."""

        def start() -> None:
            time.sleep(delay)
            self._log = open(self.server.directory / "restart.log", "wb")  # noqa: SIM115
            self.process = subprocess.Popen(
                self._argv(), stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log
            )

        thread = threading.Thread(target=start)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop the restarted slapd."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()


@contextmanager
def _restartable() -> Iterator[Restarter]:
    with OpenLDAPServer() as server:
        restarter = Restarter(server)
        try:
            yield restarter
        finally:
            restarter.stop()


def test_killed_server_mid_export_then_rerun_converges() -> None:
    """After a kill at user 700 and a restart, every user exists exactly once, links agree."""
    with _restartable() as restarter, SqliteLinkStore.in_memory() as store:
        server = restarter.server
        data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
        config = ConnectorConfig.from_dict(data, allow_literal_password=True)
        records = users(USERS)
        threads: list[threading.Thread] = []

        def progress(result: ObjectResult) -> None:
            if len(threads) == 0 and result.id == records[KILL_AT]["id"]:
                restarter.kill()
                threads.append(restarter.start_later(1.0))

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
