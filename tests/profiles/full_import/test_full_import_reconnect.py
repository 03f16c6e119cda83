"""A full import survives slapd being killed mid-run: it reconnects, resumes, loses nothing.

slapd is killed with SIGKILL after the caller has read a third of the users, and a new slapd
is started on the same data directory and ports a second later; the import reconnects,
reads the interrupted base again and hands out only what it had not handed out before.
"""

from __future__ import annotations

import threading
import time

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


def restart_later(server: OpenLDAPServer, delay: float) -> threading.Thread:
    """Start the killed slapd again after ``delay`` seconds, in a thread."""

    def start() -> None:
        time.sleep(delay)
        server.restart()

    thread = threading.Thread(target=start)
    thread.start()
    return thread


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
    threads: list[threading.Thread] = []
    with OpenLDAPServer(seed_ldif=_seed()) as server, SqliteLinkStore.in_memory() as store:
        with Connector(_config(server), store=store) as connector:
            result = _import(connector, with_store)
            anchors: list[str] = []
            dns: list[str] = []
            for obj in result:
                anchors.append(obj.anchor.value)
                dns.append(obj.dn)
                if len(anchors) == KILL_AFTER:
                    server.kill()
                    threads.append(restart_later(server, 1.0))
        for thread in threads:
            thread.join()
        assert result.finished
        assert result.counts.reconnects == 1
        assert len(anchors) == USERS == len(set(anchors))
        assert sorted(dns) == [f"uid=user{i:05d},{PEOPLE}" for i in range(USERS)]
        assert result.objects == USERS
        assert store.imported_count() == (USERS if with_store else 0)


def test_server_that_stays_down_ends_with_a_transport_error() -> None:
    """With no restart the import gives up after the reconnect timeout, saying where."""
    with OpenLDAPServer(seed_ldif=_seed()) as server:
        with Connector(_config(server)) as connector:
            result = connector.full_import(reconnect_timeout=1.0)
            read = 0

            def read_all() -> None:
                nonlocal read
                for _obj in result:
                    read += 1
                    if read == KILL_AFTER:
                        server.kill()

            with pytest.raises(TransportError) as caught:
                read_all()
        message = str(caught.value)
        assert PEOPLE in message
        assert "could not reconnect" in message
        # The page being read when slapd died was recorded whole, so it was handed out whole;
        # so was the next page when it had arrived (read ahead) before the kill.
        assert read in (KILL_AFTER // PAGE * PAGE + PAGE, KILL_AFTER // PAGE * PAGE + 2 * PAGE)
        assert f"after {read} objects" in message
        assert server.service_password not in message
        assert not result.finished
