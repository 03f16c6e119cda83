"""Pipelined writes on a real slapd: answers matched by id, errors, loss and timeouts."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator

import attrs
import pytest

from ldapconnector.config import Secret
from ldapconnector.connection import LdapConnection, Reply, open_connection
from ldapconnector.errors import (
    AlreadyExistsError,
    NoSuchObjectError,
    OperationTimeoutError,
    TransportError,
)
from ldapconnector.model import Modification, ModifyOp, SearchScope
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration]


@attrs.define
class _Log:
    """A waiter that keeps what it was told."""

    replies: list[Reply] = attrs.field(factory=list)
    failures: list[tuple[TransportError, bool]] = attrs.field(factory=list)

    def answered(self, reply: Reply) -> None:
        self.replies.append(reply)

    def failed(self, error: TransportError, *, lost: bool) -> None:
        self.failures.append((error, lost))


@pytest.fixture(name="conn")
def fixture_conn(openldap_server: OpenLDAPServer) -> Iterator[LdapConnection]:
    """A connection bound as the service account over LDAPS."""
    with open_connection(openldap_server.connectivity_config(security="ldaps")) as conn:
        yield conn


def _person(uid: str) -> dict[str, list[str | bytes]]:
    return {"objectClass": ["inetOrgPerson"], "uid": [uid], "cn": [f"P {uid}"], "sn": ["P"]}


def _dns(server: OpenLDAPServer, count: int) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    return [f"uid=p{tag}-{n},{server.people_dn}" for n in range(count)]


def test_many_adds_in_flight_are_answered_with_their_post_read_entries(
    conn: LdapConnection, openldap_server: OpenLDAPServer
) -> None:
    """100 adds in flight each get their own answer, carrying the new entry's entryUUID."""
    log = _Log()
    dns = _dns(openldap_server, 100)
    pipeline = conn.pipeline()
    ids = [pipeline.add(dn, _person(dn[4:14]), log, read_back=("entryUUID",)) for dn in dns]
    pipeline.drain()
    assert sorted(r.message_id for r in log.replies) == sorted(ids)
    by_id = {r.message_id: r for r in log.replies}
    for message_id, dn in zip(ids, dns, strict=True):
        reply = by_id[message_id]
        assert reply.error is None
        assert reply.entry is not None
        assert reply.entry.dn == dn
        assert len(reply.entry.texts("entryUUID")[0]) == 36
    found = conn.search(openldap_server.people_dn, "(uid=p*)", scope=SearchScope.ONE_LEVEL)
    assert {dn.lower() for dn in dns} <= {e.dn.lower() for e in found}


def test_refusals_come_back_as_mapped_errors_naming_the_entry(
    conn: LdapConnection, openldap_server: OpenLDAPServer
) -> None:
    """An add over an entry and a delete of nothing fail alone; the others succeed."""
    log = _Log()
    first, second = _dns(openldap_server, 2)
    pipeline = conn.pipeline()
    pipeline.add(first, _person("a"), log)
    pipeline.drain()
    pipeline.add(first, _person("a"), log)
    pipeline.delete(second, log)
    pipeline.modify(first, [Modification(ModifyOp.REPLACE, "sn", ("New",))], log)
    pipeline.drain()
    errors = [r.error for r in log.replies]
    assert errors[0] is None
    assert sum(isinstance(e, AlreadyExistsError) for e in errors) == 1
    missing = [e for e in errors if isinstance(e, NoSuchObjectError)]
    assert len(missing) == 1
    assert missing[0].dn == second
    assert "delete" in str(missing[0])
    entry = conn.read_entry(first)
    assert entry is not None
    assert entry.texts("sn") == ("New",)


def test_rename_and_password_modify_through_the_pipeline(
    conn: LdapConnection, openldap_server: OpenLDAPServer
) -> None:
    """A rename and a Password Modify, each after its object's add, are applied."""
    log = _Log()
    (dn,) = _dns(openldap_server, 1)
    pipeline = conn.pipeline()
    pipeline.add(dn, _person("r"), log)
    pipeline.drain()
    pipeline.password_modify(dn, Secret("Pipelined-1!"), log)
    pipeline.drain()
    new_dn = f"uid=renamed-{dn[4:]}"
    pipeline.modify_dn(dn, new_dn.split(",", 1)[0], log, delete_old_rdn=False)
    pipeline.drain()
    assert [r.error for r in log.replies] == [None, None, None]
    entry = conn.read_entry(new_dn, ("userPassword", "uid"))
    assert entry is not None
    assert entry.get("userPassword")
    assert dn[4:].split(",")[0] in entry.texts("uid")  # the old RDN value was kept


def test_a_read_waits_for_the_writes_sent_before_it(
    conn: LdapConnection, openldap_server: OpenLDAPServer
) -> None:
    """A search while adds are out drains them first: it sees them, ldap3 never reads them."""
    log = _Log()
    dns = _dns(openldap_server, 20)
    pipeline = conn.pipeline()
    for dn in dns:
        pipeline.add(dn, _person("w"), log)
    assert pipeline.in_flight == 20
    assert all(conn.read_entry(dn, ("1.1",)) is not None for dn in dns)
    assert pipeline.in_flight == 0
    assert len(log.replies) == 20


def test_a_lost_connection_fails_every_outstanding_request_as_lost() -> None:
    """slapd killed with requests out: each waiter hears 'lost'; the caller, a TransportError."""
    with OpenLDAPServer() as server:
        conn = open_connection(server.connectivity_config(security="ldaps"))
        log = _Log()
        pipeline = conn.pipeline()
        for dn in _dns(server, 30):
            pipeline.add(dn, _person("k"), log)
        pipeline.flush()
        server.kill()
        with pytest.raises(TransportError):
            pipeline.drain()
        assert len(log.replies) + len(log.failures) == 30
        assert log.failures
        assert all(lost for _, lost in log.failures)
        assert pipeline.in_flight == 0
        conn.close()


def test_an_unanswered_request_times_out_alone() -> None:
    """With slapd stopped (SIGSTOP) no answer comes: each request fails as a timeout, not a hang."""
    with OpenLDAPServer() as server:
        settings = attrs.evolve(server.connectivity_config(security="ldaps"), timeout=0.5)
        conn = open_connection(settings)
        log = _Log()
        pipeline = conn.pipeline()
        os.kill(server.pid, signal.SIGSTOP)
        try:
            for dn in _dns(server, 3):
                pipeline.add(dn, _person("t"), log)
            pipeline.drain()
        finally:
            os.kill(server.pid, signal.SIGCONT)
        assert len(log.failures) == 3
        assert all(isinstance(e, OperationTimeoutError) and not lost for e, lost in log.failures)
        assert "did not answer the add of uid=" in str(log.failures[0][0])
        # A late answer could still come: the connection is dropped before ldap3 reads again.
        with pytest.raises(OperationTimeoutError, match="closed"):
            conn.read_entry(server.base_dn, ("1.1",))
        assert not conn.bound
