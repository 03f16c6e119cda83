"""Delta import from OpenLDAP's cn=accesslog against a real slapd: changes, guarantees, gaps."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.anchors import Anchor, AnchorKind, strategy_for
from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import FullImportRequiredError
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.profiles.delta import ChangeBatch, DeltaImportResult, run_delta_import
from ldapconnector.profiles.delta._changes import ChangeType
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

PERSON = ("inetOrgPerson",)


def _connect(server: OpenLDAPServer, *, admin: bool) -> LdapConnection:
    return open_connection(server.connectivity_config("ldaps", "simple", as_service=not admin))


@pytest.fixture(name="server")
def fixture_server(fresh_openldap_server: OpenLDAPServer) -> Iterator[OpenLDAPServer]:
    """A slapd of the test's own; the service connection the runs use is closed after."""
    yield fresh_openldap_server
    for connection in _OPEN:
        connection.close()
    _OPEN.clear()


_OPEN: list[LdapConnection] = []


def _service(server: OpenLDAPServer) -> LdapConnection:
    if not _OPEN:
        _OPEN.append(_connect(server, admin=False))
    return _OPEN[0]


def _delta(server: OpenLDAPServer, store: SqliteLinkStore, **options: Any) -> DeltaImportResult:
    return run_delta_import(
        _service(server),
        DeltaSource.ACCESSLOG,
        store=store,
        bases=[server.people_dn],
        anchor_strategy=strategy_for("entryUUID"),
        object_class="inetOrgPerson",
        **options,
    )


def _person(connection: LdapConnection, dn: str) -> None:
    uid = dn.split(",")[0].split("=")[1]
    connection.add(dn, {"objectClass": PERSON, "uid": uid, "cn": uid, "sn": "Test"})


def _uuid(connection: LdapConnection, dn: str) -> Anchor:
    entry = connection.read_entry(dn, ("entryUUID",))
    assert entry is not None
    return Anchor.from_directory(AnchorKind.ENTRY_UUID, entry.texts("entryUUID")[0])


def _summary(result: DeltaImportResult) -> list[tuple[str, str, str | None, Anchor | None]]:
    return [(r.type.value, r.dn, r.old_dn, r.anchor) for r in result.records()]


def _make_changes(server: OpenLDAPServer, admin: LdapConnection) -> dict[str, Anchor]:
    people = server.people_dn
    admin.add(f"ou=sub,{people}", {"objectClass": "organizationalUnit", "ou": "sub"})
    for name in ("ann", "bob", "cid"):
        _person(admin, f"uid={name},{people}")
    admin.modify(f"uid=ann,{people}", [Modification(ModifyOp.REPLACE, "sn", "Smith")])
    admin.modify_dn(f"uid=bob,{people}", "uid=rob")
    admin.modify_dn(f"uid=cid,{people}", "uid=cid", new_superior=f"ou=sub,{people}")
    anchors = {n: _uuid(admin, dn) for n, dn in
               (("ann", f"uid=ann,{people}"), ("bob", f"uid=rob,{people}"),
                ("cid", f"uid=cid,ou=sub,{people}"))}  # fmt: skip
    admin.delete(f"uid=ann,{people}")
    _person(admin, f"uid=other,{server.groups_dn}")  # outside the bases
    admin.add(f"cn=printer,{people}", {"objectClass": "device", "cn": "printer"})  # other class
    return anchors


def test_first_run_sets_watermark_without_replaying(server: OpenLDAPServer) -> None:
    """A first run stores a watermark and reports none of the writes made before it."""
    store = SqliteLinkStore.in_memory()
    with _connect(server, admin=True) as admin:
        _person(admin, f"uid=early,{server.people_dn}")
    first = _delta(server, store)
    assert first.baseline
    assert first.finished
    assert list(first) == []
    assert store.get_watermark("delta_import") is not None
    assert list(_delta(server, store).records()) == []


def test_reports_exactly_the_changes(server: OpenLDAPServer) -> None:
    """Adds, modify, rename, move and delete come back with their anchors and DNs; then none."""
    store = SqliteLinkStore.in_memory()
    _delta(server, store)
    with _connect(server, admin=True) as admin:
        anchors = _make_changes(server, admin)
    people = server.people_dn
    ann, bob, cid = anchors["ann"], anchors["bob"], anchors["cid"]
    assert _summary(_delta(server, store)) == [
        ("add", f"uid=ann,{people}", None, ann),
        ("add", f"uid=bob,{people}", None, bob),
        ("add", f"uid=cid,{people}", None, cid),
        ("modify", f"uid=ann,{people}", None, ann),
        ("rename", f"uid=rob,{people}", f"uid=bob,{people}", bob),
        ("rename", f"uid=cid,ou=sub,{people}", f"uid=cid,{people}", cid),
        ("delete", f"uid=ann,{people}", f"uid=ann,{people}", ann),
    ]
    again = _delta(server, store)
    assert list(again.records()) == []
    assert again.finished


def test_failed_handler_redelivers_the_batch(server: OpenLDAPServer) -> None:
    """A handler raising on the second batch gets that batch again next run; none is skipped."""
    store = SqliteLinkStore.in_memory()
    _delta(server, store)
    with _connect(server, admin=True) as admin:
        for i in range(5):
            _person(admin, f"uid=u{i},{server.people_dn}")
    seen: list[str] = []

    def fail_second(batch: ChangeBatch) -> None:
        if seen:
            raise RuntimeError("handler failed")
        seen.extend(r.dn.split(",")[0] for r in batch.records)

    with pytest.raises(RuntimeError, match="handler failed"):
        _delta(server, store, batch_size=2).run(fail_second)
    rest = [r.dn.split(",")[0] for r in _delta(server, store, batch_size=2).records()]
    assert seen == ["uid=u0", "uid=u1"]
    assert rest == ["uid=u2", "uid=u3", "uid=u4"]


_KILLED_RUN = textwrap.dedent(
    """
    import json, os, sys
    from ldapconnector.anchors import strategy_for
    from ldapconnector.config import ConnectivityConfig
    from ldapconnector.connection import open_connection
    from ldapconnector.detect import DeltaSource
    from ldapconnector.profiles import run_delta_import
    from ldapconnector.space import SqliteLinkStore

    settings, state, people = sys.argv[1], sys.argv[2], sys.argv[3]
    config = ConnectivityConfig.from_dict(json.loads(settings), allow_literal_password=True)
    connection = open_connection(config)
    store = SqliteLinkStore.open(state)
    result = run_delta_import(connection, DeltaSource.ACCESSLOG, store=store, bases=[people],
        anchor_strategy=strategy_for("entryUUID"), batch_size=2)
    for number, batch in enumerate(result):
        print(*[r.dn.split(",")[0] for r in batch.records], flush=True)
        if number == 1:
            os._exit(9)  # killed in the middle of the second batch
    """
)


def test_killed_process_redelivers_from_last_acknowledged(
    server: OpenLDAPServer, tmp_path: Path
) -> None:
    """A process killed while handling a batch leaves the watermark after the previous one."""
    state = tmp_path / "state.sqlite"
    with SqliteLinkStore.open(state) as store:
        _delta(server, store)
    with _connect(server, admin=True) as admin:
        for i in range(6):
            _person(admin, f"uid=k{i},{server.people_dn}")
    settings = json.dumps(server.connectivity("ldaps", "simple"))
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, settings, str(state), server.people_dn],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert killed.returncode == 9, killed.stderr
    assert killed.stdout.split() == ["uid=k0", "uid=k1", "uid=k2", "uid=k3"]
    with SqliteLinkStore.open(state) as store:
        rest = [r.dn.split(",")[0] for r in _delta(server, store, batch_size=2).records()]
    assert rest == ["uid=k2", "uid=k3", "uid=k4", "uid=k5"]


def test_purged_log_requires_full_import(server: OpenLDAPServer) -> None:
    """Deleting the watermark's log entry (a purge) makes the next run ask for a full import."""
    store = SqliteLinkStore.in_memory()
    _delta(server, store)
    with _connect(server, admin=True) as admin:
        _person(admin, f"uid=p1,{server.people_dn}")
        assert len(list(_delta(server, store).records())) == 1
        _person(admin, f"uid=p2,{server.people_dn}")
        log = admin.search("cn=accesslog", "(reqType=add)", attributes=("reqDN",))
        for entry in [e for e in log if e.texts("reqDN")[0].startswith("uid=p1,")]:
            admin.delete(entry.dn)  # purge the oldest entry: the watermark's
    with pytest.raises(FullImportRequiredError, match="purged"):
        _delta(server, store)
    renewed = _delta(server, store, reset=True)
    assert renewed.baseline
    assert list(_delta(server, store).records()) == []


def test_own_writes_are_ignored(server: OpenLDAPServer) -> None:
    """Writes by the ignored service account are not reported; the admin's still are."""
    store = SqliteLinkStore.in_memory()
    _delta(server, store, ignore_actors=[server.service_dn])
    service = _service(server)
    with _connect(server, admin=True) as admin:
        _person(service, f"uid=mine,{server.people_dn}")
        service.modify(f"uid=mine,{server.people_dn}", [Modification(ModifyOp.REPLACE, "sn", "X")])
        _person(admin, f"uid=theirs,{server.people_dn}")
    found = _summary(_delta(server, store, ignore_actors=[server.service_dn.upper()]))
    assert [(kind, dn) for kind, dn, _old, _anchor in found] == [
        ("add", f"uid=theirs,{server.people_dn}")
    ]


def test_watermark_of_another_source_requires_full_import(
    server: OpenLDAPServer,
) -> None:
    """A stored watermark written by another kind of source is refused, not misread."""
    store = SqliteLinkStore.in_memory()
    _delta(server, store)
    with pytest.raises(FullImportRequiredError, match="changelog"):
        run_delta_import(
            _service(server), DeltaSource.CHANGELOG, store=store,
            bases=[server.people_dn], anchor_strategy=strategy_for("entryUUID"),
        )  # fmt: skip


def test_timestamps_source_reports_adds_and_modifies(server: OpenLDAPServer) -> None:
    """The timestamp reader reports changed objects once and says deletes are not covered."""
    store = SqliteLinkStore.in_memory()
    options: dict[str, Any] = {
        "store": store, "bases": [server.people_dn], "object_class": "inetOrgPerson",
        "anchor_strategy": strategy_for("entryUUID"),
    }  # fmt: skip
    with _connect(server, admin=True) as admin:
        _person(admin, f"uid=old,{server.people_dn}")
        first = run_delta_import(admin, DeltaSource.TIMESTAMPS, **options)
        assert first.baseline
        assert not first.deletes_covered
        _person(admin, f"uid=new,{server.people_dn}")
        admin.modify(f"uid=old,{server.people_dn}", [Modification(ModifyOp.REPLACE, "sn", "Y")])
        found = {r.dn.split(",")[0]: r.type for r in
                 run_delta_import(admin, DeltaSource.TIMESTAMPS, **options).records()}  # fmt: skip
        assert sorted(found) == ["uid=new", "uid=old"]
        assert found["uid=new"] is ChangeType.ADD
        assert list(run_delta_import(admin, DeltaSource.TIMESTAMPS, **options).records()) == []
