"""A pipelined export ends where the sequential one does, and keeps its safety guarantees.

Each scenario runs twice on fresh slapds, with ``[global] write_window = 1`` (one write at
a time) and with a small window (so the window fills and refills many times), and the
directories are compared with ``ldapsearch``: renames followed by modifies, renames into
a DN another user just left, disables, deletes and re-enables of users in one container.
"""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import LdapConnection, Pipeline, Reply, Waiter, open_connection
from ldapconnector.connector import Connector
from ldapconnector.dn import dn_key, renamed_dn
from ldapconnector.errors import TransportError
from ldapconnector.profiles import ExportOutcome, export_request, run_export
from ldapconnector.space import Intent, SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

USERS = 60
WINDOW = 4
# What the comparison reads (entryUUID and timestamps differ from server to server).
COMPARED = ("cn", "sn", "mail", "uid", "uidNumber", "homeDirectory", "pwdAccountLockedTime")


def ldapsearch(server: OpenLDAPServer, *attributes: str) -> dict[str, dict[str, list[str]]]:
    """DN -> attributes of every user, read with the ldap-utils ``ldapsearch`` as the admin."""
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", server.people_dn,
        "(objectClass=posixAccount)", *attributes,
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    found: dict[str, dict[str, list[str]]] = {}
    for block in done.stdout.strip().split("\n\n"):
        lines = block.splitlines()
        entry: dict[str, list[str]] = {}
        for line in lines[1:]:
            name, _, value = line.partition(": ")
            entry.setdefault(name.rstrip(":").lower(), []).append(value)
        found[lines[0].partition(": ")[2].lower()] = {k: sorted(v) for k, v in entry.items()}
    return found


def _rounds() -> list[list[dict[str, Any]]]:
    """Three runs' inputs: create; rename+modify, a DN handed on, disable, delete; enable."""
    first = users(USERS)
    second = [dict(record) for record in first]
    for index in [0, *range(2, 20)]:  # a new login: a rename, then uid and homeDirectory change
        login = f"moved{index:03d}"
        second[index].update(userPrincipalName=f"{login}@contoso.lab", displayName=f"M {index}")
    # User 1 takes the DN user 0 just left (its rename must wait for user 0's).
    second[1]["userPrincipalName"] = first[0]["userPrincipalName"]
    for index in range(40, 45):
        second[index]["isSoftDeleted"] = True
    for index in range(45, 50):
        second[index]["@deleted"] = True
    for index in range(50, USERS):
        second[index]["surname"] = "Changed"
    third = [dict(record) for record in second]
    for index in range(40, 43):
        third[index].pop("isSoftDeleted")
    return [first, second, third]


@attrs.define
class _Released:
    """A waiter that tells the watcher when its request is over."""

    waiter: Waiter
    done: Any

    def answered(self, reply: Reply) -> None:
        self.done()
        self.waiter.answered(reply)

    def failed(self, error: TransportError, *, lost: bool) -> None:
        self.done()
        self.waiter.failed(error, lost=lost)


_WRITES = frozenset({"add", "modify", "modify_dn", "delete", "password_modify"})


@attrs.define
class _Watching:
    """The run's connection, noting any two requests in flight at once on one DN."""

    connector: Connector
    out: dict[int, frozenset[str]] = attrs.field(factory=dict)
    clashes: list[str] = attrs.field(factory=list)
    most: int = 0
    tokens: Iterator[int] = attrs.field(factory=itertools.count)

    def __call__(self) -> _Watching:
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connector.connection, name)

    def pipeline(self) -> _WatchedPipeline:
        return _WatchedPipeline(self.connector.connection.pipeline(), self)

    def sent(self, name: str, dn: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        keys = {dn_key(dn)}
        if name == "modify_dn":
            keys.add(dn_key(renamed_dn(dn, args[0], kwargs.get("new_superior"))))
        if any(keys & other for other in self.out.values()):
            self.clashes.append(dn)
        token = next(self.tokens)
        self.out[token] = frozenset(keys)
        self.most = max(self.most, len(self.out))
        return lambda: self.out.pop(token, None)


@attrs.define
class _WatchedPipeline:
    real: Pipeline
    watcher: _Watching

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.real, name)
        if name not in _WRITES:
            return method

        def watched(dn: str, *args: Any, **kwargs: Any) -> Any:
            done = self.watcher.sent(name, dn, args, kwargs)
            return method(dn, *args[:-1], _Released(args[-1], done), **kwargs)

        return watched


def _export(
    window: int,
) -> tuple[list[list[tuple[str | None, ExportOutcome]]], dict[str, Any], _Watching]:
    """Run the three rounds with ``write_window = window``; outcomes, directory, watcher."""
    with OpenLDAPServer() as server, SqliteLinkStore.in_memory() as store:
        data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
        data["global"] = {"write_window": window}
        config = ConnectorConfig.from_dict(data, allow_literal_password=True)
        outcomes = []
        with Connector(config, store=store) as connector:
            watcher = _Watching(connector)
            request = attrs.evolve(export_request(connector), connection=watcher)
            for records in _rounds():
                # The snapshot (a run of >= 100 records reads one): a record searched for
                # live waits for every answer first, so small runs gain nothing.
                report = run_export(request, records, snapshot=True)
                assert not report.failed, report.failed[:3]
                outcomes.append([(r.id, r.outcome) for r in report.results])
        return outcomes, ldapsearch(server, *COMPARED), watcher


def test_pipelined_export_leaves_the_directory_as_the_sequential_one() -> None:
    """Same outcomes, record by record, and the same entries (ldapsearch) either way."""
    sequential_outcomes, sequential, _ = _export(1)
    pipelined_outcomes, pipelined, watcher = _export(WINDOW)
    assert pipelined_outcomes == sequential_outcomes
    assert pipelined == sequential
    kinds = {outcome for run in sequential_outcomes for _, outcome in run}
    assert {ExportOutcome.RENAMED, ExportOutcome.DISABLED, ExportOutcome.DELETED} <= kinds
    assert ExportOutcome.ENABLED in kinds
    assert len(sequential) == USERS - 5
    # The window was used, and never held two requests about one DN (user 1's rename
    # into the DN user 0 left waited for user 0's rename).
    assert watcher.most == WINDOW
    assert watcher.clashes == []


@attrs.define
class _CheckingStore:
    """The link store, checking that each intent is committed before its add reaches slapd."""

    store: SqliteLinkStore
    directory: LdapConnection
    checked: list[str] = attrs.field(factory=list)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def _check(self, intents: Sequence[Intent]) -> None:
        for intent in intents:
            assert self.directory.read_entry(intent.dn, ("1.1",)) is None, intent.dn
            self.checked.append(intent.source_id)

    def put_intent(self, intent: Intent) -> None:
        self._check([intent])
        self.store.put_intent(intent)

    def put_intents(self, intents: Sequence[Intent]) -> None:
        self._check(intents)
        self.store.put_intents(intents)


def test_each_intent_is_committed_before_its_add_is_sent() -> None:
    """Every create's intent is stored while its entry does not exist yet, in few commits."""
    with OpenLDAPServer() as server, SqliteLinkStore.in_memory() as real:
        data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
        data["global"] = {"write_window": 16}
        config = ConnectorConfig.from_dict(data, allow_literal_password=True)
        with open_connection(server.connectivity_config(security="ldaps")) as directory:
            store = _CheckingStore(real, directory)
            with Connector(config, store=store) as connector:  # type: ignore[arg-type]
                report = connector.export(users(120))
        assert report.ok, report.failed[:3]
        assert sorted(store.checked) == sorted(r.id for r in report.results if r.id)
        assert real.list_intents() == ()


@attrs.define
class _SwallowedAnswer:
    """A waiter whose answer never arrives: the client sees the connection lost."""

    waiter: Waiter

    def answered(self, reply: Reply) -> None:
        self.waiter.failed(TransportError("answer lost (injected)"), lost=True)

    def failed(self, error: TransportError, *, lost: bool) -> None:
        self.waiter.failed(error, lost=lost)


@attrs.define
class _LosesFirstAddAnswer:
    """The run's connection, except that the answer to its first pipelined add is lost.

    The add really happens on slapd; only its answer is taken away, as when the network
    fails between the server's commit and its answer.
    """

    connector: Connector
    lost: list[str] = attrs.field(factory=list)

    def __call__(self) -> _LosesFirstAddAnswer:
        return self  # the request's ``connection`` callable: this stands for the connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connector.connection, name)

    def pipeline(self) -> _LosingPipeline:
        return _LosingPipeline(self.connector.connection.pipeline(), self.lost)


@attrs.define
class _LosingPipeline:
    real: Pipeline
    lost: list[str]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def add(self, dn: str, attributes: Any, waiter: Waiter, **options: Any) -> int:
        if not self.lost:
            self.lost.append(dn)
            waiter = _SwallowedAnswer(waiter)
        return self.real.add(dn, attributes, waiter, **options)


def _unique_dn_config(server: OpenLDAPServer) -> ConnectorConfig:
    """No matching attribute and a DN unique per run: only the intent can tell the entry."""
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    login = 'Word([userPrincipalName], 1, "@")'
    candidates = ", ".join(
        f'Join("", "CN=", {login}, "{suffix},{server.people_dn}")' for suffix in ("", "-2")
    )
    for mapping in data["mappings"]:
        mapping.pop("matching_precedence", None)
        if mapping["target"] == "-dn-":
            mapping["expression"] = f"SelectUniqueValue({candidates})"
    data["global"] = {"write_window": 8}
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def test_a_pipelined_add_whose_answer_is_lost_is_linked_not_added_again() -> None:
    """The record is exported again, its intent links the entry; nobody exists twice."""
    with OpenLDAPServer() as server, SqliteLinkStore.in_memory() as store:
        config = _unique_dn_config(server)
        with Connector(config, store=store) as connector:
            faulty = _LosesFirstAddAnswer(connector)
            request = attrs.evolve(export_request(connector), connection=faulty)
            report = run_export(request, users(20))
            assert store.list_intents() == ()
            assert store.count() == 20
        found = ldapsearch(server, "uid")
    assert faulty.lost
    assert not report.failed, report.failed
    assert len(found) == 20
    assert all(not dn.startswith("cn=") or "-2," not in dn for dn in found)


def test_a_record_matching_an_entry_still_being_added_waits_for_it() -> None:
    """A record whose mail is that of a user added just before joins it, as sequentially.

    The earlier user's add is still in flight when the later record is correlated with the
    snapshot; the later record waits for it, finds the entry (linked to the other id) and
    fails instead of adding a second person with the same mail.
    """
    records = users(110)
    twin = {**records[7], "id": "twin", "userPrincipalName": "twin@contoso.lab"}
    with OpenLDAPServer() as server, SqliteLinkStore.in_memory() as store:
        data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
        data["global"] = {"write_window": 32}
        config = ConnectorConfig.from_dict(data, allow_literal_password=True)
        with Connector(config, store=store) as connector:
            report = connector.export([*records[:8], twin, *records[8:]])
        found = ldapsearch(server, "mail")
    (result,) = [r for r in report.results if r.id == "twin"]
    assert result.outcome is ExportOutcome.FAILED
    assert "linked to source id 'src-000007'" in (result.error or "")
    assert len(found) == 110
