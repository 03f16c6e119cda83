"""A full import survives slapd being killed mid-run: it reconnects, resumes, loses nothing.

slapd is killed with SIGKILL after the caller has read a third of the users, and a new slapd
is started on the same data directory and ports a second later; the import reconnects,
reads the interrupted base again and hands out only what it had not handed out before.
"""

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

from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import Reconnector
from ldapconnector.connector import Connector
from ldapconnector.errors import TransportError
from ldapconnector.profiles import ImportResult, run_full_import
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

BASE = "dc=contoso,dc=lab"
PEOPLE = f"ou=people,{BASE}"
USERS = 1500
PAGE = 100
KILL_AFTER = 550


def _seed() -> str:
    return "".join(
        f"dn: uid=user{i:05d},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: user{i:05d}\n"
        f"cn: User {i}\nsn: User\n\n"
        for i in range(USERS)
    )


class Restarter:
    """Kills the fixture's slapd and runs a new one on the same directory and ports.

    The test server offers no restart (the export's fault-injection test does the same); the
    new process belongs to the test and is stopped before the fixture removes the directory.
    """

    def __init__(self, server: OpenLDAPServer) -> None:
        self.server = server
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._thread: threading.Thread | None = None

    def _argv(self) -> list[str]:
        directory = self.server.directory
        ldapi = "ldapi://" + urllib.parse.quote(str(directory / "ldapi"), safe="")
        urls = (
            f"ldap://127.0.0.1:{self.server.ldap_port}/ "
            f"ldaps://127.0.0.1:{self.server.ldaps_port}/ {ldapi}/"
        )
        slapd = shutil.which("slapd") or "/usr/sbin/slapd"
        return [slapd, "-d", "none", "-F", str(directory / "slapd.d"), "-h", urls]

    def kill(self, *, restart_after: float | None = None) -> None:
        """SIGKILL slapd; start it again after ``restart_after`` seconds when given."""
        os.kill(self.server.pid, signal.SIGKILL)
        if restart_after is not None:
            self._thread = threading.Thread(target=self._start, args=(restart_after,))
            self._thread.start()

    def _start(self, delay: float) -> None:
        time.sleep(delay)
        self._log = open(self.server.directory / "restart.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            self._argv(), stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log
        )

    def stop(self) -> None:
        """Stop the restarted slapd."""
        if self._thread is not None:
            self._thread.join()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()


@contextmanager
def _restartable() -> Iterator[Restarter]:
    with OpenLDAPServer(seed_ldif=_seed()) as server:
        restarter = Restarter(server)
        try:
            yield restarter
        finally:
            restarter.stop()


def _config(server: OpenLDAPServer) -> ConnectorConfig:
    return ConnectorConfig.from_dict(
        {
            "connectivity": server.connectivity(security="ldaps"),
            "global": {"page_size": PAGE},
            "object_type": {"target": "inetOrgPerson", "containers": [PEOPLE]},
            "mappings": [{"type": "direct", "source": "uid", "target": "uid"}],
            "run_profiles": {"export": False},
        },
        allow_literal_password=True,
    )


def _import(connector: Connector, with_store: bool) -> ImportResult:
    if with_store:
        return connector.full_import()
    # Without a store the runner itself remembers what it handed out.
    reconnect = Reconnector(close=connector.close, open=lambda: connector.connection)
    return run_full_import(connector.connection, connector.import_plan(), reconnect=reconnect)


@pytest.mark.parametrize("with_store", [True, False], ids=["store", "no-store"])
def test_killed_server_mid_import_every_object_arrives_once(with_store: bool) -> None:
    """After a SIGKILL and a restart every user is handed out exactly once and recorded."""
    with _restartable() as restarter, SqliteLinkStore.in_memory() as store:
        server = restarter.server
        with Connector(_config(server), store=store) as connector:
            result = _import(connector, with_store)
            anchors: list[str] = []
            dns: list[str] = []
            for obj in result:
                anchors.append(obj.anchor.value)
                dns.append(obj.dn)
                if len(anchors) == KILL_AFTER:
                    restarter.kill(restart_after=1.0)
        assert result.finished
        assert result.counts.reconnects == 1
        assert len(anchors) == USERS == len(set(anchors))
        assert sorted(dns) == [f"uid=user{i:05d},{PEOPLE}" for i in range(USERS)]
        assert result.objects == USERS
        assert store.imported_count() == (USERS if with_store else 0)


def test_server_that_stays_down_ends_with_a_transport_error() -> None:
    """With no restart the import gives up after the reconnect timeout, saying where."""
    with _restartable() as restarter:
        server = restarter.server
        with Connector(_config(server)) as connector:
            result = connector.full_import(reconnect_timeout=1.0)
            read = 0

            def read_all() -> None:
                nonlocal read
                for _obj in result:
                    read += 1
                    if read == KILL_AFTER:
                        restarter.kill()

            with pytest.raises(TransportError) as caught:
                read_all()
        message = str(caught.value)
        assert PEOPLE in message
        assert "could not reconnect" in message
        # The page being read when slapd died was recorded whole, so it was handed out whole.
        assert read == 600
        assert f"after {read} objects" in message
        assert server.service_password not in message
        assert not result.finished
