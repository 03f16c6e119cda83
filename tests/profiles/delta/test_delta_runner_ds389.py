"""Delta import from the 389 DS retro changelog against a real server: changes, guarantees."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ldapconnector.anchors import Anchor, AnchorKind, strategy_for
from ldapconnector.connection import LdapConnection
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import FullImportRequiredError
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.profiles.delta import ChangeBatch, DeltaImportResult, run_delta_import
from ldapconnector.space import SqliteLinkStore, Watermark
from ldapconnector.testing import DS389Server

pytestmark = [pytest.mark.integration, pytest.mark.ds389]


@pytest.fixture(name="server")
def fixture_server(ds389_server: DS389Server) -> Any:
    """The shared session server these tests run against (see ``conftest.py``)."""
    return ds389_server


def _delta(
    service: LdapConnection, base: str, store: SqliteLinkStore, **options: Any
) -> DeltaImportResult:
    return run_delta_import(
        service,
        DeltaSource.CHANGELOG,
        store=store,
        bases=[base],
        anchor_strategy=strategy_for("entryUUID"),
        object_class="inetOrgPerson",
        **options,
    )


def _person(connection: LdapConnection, dn: str) -> None:
    uid = dn.split(",")[0].split("=")[1]
    connection.add(dn, {"objectClass": "inetOrgPerson", "uid": uid, "cn": uid, "sn": "Test"})


def _uuid(connection: LdapConnection, dn: str) -> Anchor:
    entry = connection.read_entry(dn, ("entryUUID",))
    assert entry is not None
    return Anchor.from_directory(AnchorKind.ENTRY_UUID, entry.texts("entryUUID")[0])


def test_reports_exactly_the_changes(
    service: LdapConnection, admin: LdapConnection, base: str
) -> None:
    """Adds, modify, rename, move and delete come back with anchors and old DNs; then none."""
    store = SqliteLinkStore.in_memory()
    assert _delta(service, base, store).baseline
    for name in ("ann", "bob", "cid"):
        _person(admin, f"uid={name},{base}")
    admin.modify(f"uid=ann,{base}", [Modification(ModifyOp.REPLACE, "sn", "Smith")])
    admin.modify_dn(f"uid=bob,{base}", "uid=rob")
    admin.modify_dn(f"uid=cid,{base}", "uid=cid", new_superior=f"ou=sub,{base}")
    ann, bob = _uuid(admin, f"uid=ann,{base}"), _uuid(admin, f"uid=rob,{base}")
    cid = _uuid(admin, f"uid=cid,ou=sub,{base}")
    admin.delete(f"uid=ann,{base}")
    admin.add(f"cn=printer,{base}", {"objectClass": "device", "cn": "printer"})
    found = [
        (r.type.value, r.dn, r.old_dn, r.anchor) for r in _delta(service, base, store).records()
    ]
    assert found == [
        ("add", f"uid=ann,{base}", None, ann),
        ("add", f"uid=bob,{base}", None, bob),
        ("add", f"uid=cid,{base}", None, cid),
        ("modify", f"uid=ann,{base}", None, ann),
        ("rename", f"uid=rob,{base}", f"uid=bob,{base}", bob),
        ("rename", f"uid=cid,ou=sub,{base}", f"uid=cid,{base}", cid),
        ("delete", f"uid=ann,{base}", f"uid=ann,{base}", ann),
    ]
    assert list(_delta(service, base, store).records()) == []


def test_failed_handler_redelivers_the_batch(
    service: LdapConnection, admin: LdapConnection, base: str
) -> None:
    """A handler raising on the second batch gets that batch again next run; none is skipped."""
    store = SqliteLinkStore.in_memory()
    _delta(service, base, store)
    for i in range(5):
        _person(admin, f"uid=u{i},{base}")
    seen: list[str] = []

    def fail_second(batch: ChangeBatch) -> None:
        if seen:
            raise RuntimeError("handler failed")
        seen.extend(r.dn.split(",")[0] for r in batch.records)

    with pytest.raises(RuntimeError, match="handler failed"):
        _delta(service, base, store, batch_size=2).run(fail_second)
    rest = [r.dn.split(",")[0] for r in _delta(service, base, store, batch_size=2).records()]
    assert seen == ["uid=u0", "uid=u1"]
    assert rest == ["uid=u2", "uid=u3", "uid=u4"]


def test_trimmed_changelog_requires_full_import(
    service: LdapConnection, admin: LdapConnection, base: str
) -> None:
    """Trimming the changelog past the watermark makes the next run ask for a full import."""
    store = SqliteLinkStore.in_memory()
    _delta(service, base, store)
    _person(admin, f"uid=t1,{base}")
    _person(admin, f"uid=t2,{base}")
    number = _number(store)
    admin.delete(f"changenumber={number + 1},cn=changelog")
    for entry in admin.search("cn=changelog", f"(changeNumber<={number})", attributes=("1.1",)):
        admin.delete(entry.dn)  # trim: the oldest changes first, past the watermark
    with pytest.raises(FullImportRequiredError, match="trimmed"):
        _delta(service, base, store)
    assert _delta(service, base, store, reset=True).baseline


def test_watermark_beyond_the_log_requires_full_import(service: LdapConnection, base: str) -> None:
    """A watermark past the log's last change number (another server, a reset) is refused."""
    store = SqliteLinkStore.in_memory()
    _delta(service, base, store)
    faked = '{"number":999999999,"source":"changelog"}'
    store.set_watermark(Watermark(profile="delta_import", value=faked))
    with pytest.raises(FullImportRequiredError, match="reset or this is another server"):
        _delta(service, base, store)


def test_own_writes_are_ignored(
    ds389_server: DS389Server, service: LdapConnection, admin: LdapConnection, base: str
) -> None:
    """Adds and modifies by the ignored service account are not reported; the admin's are."""
    store = SqliteLinkStore.in_memory()
    ignore = [ds389_server.service_dn]
    people = ds389_server.people_dn
    mine = f"uid=mine{uuid.uuid4().hex[:6]},{people}"  # the service account writes ou=people
    _delta(service, people, store, ignore_actors=ignore)
    _person(service, mine)
    service.modify(mine, [Modification(ModifyOp.REPLACE, "sn", "Mine")])
    _person(admin, f"uid=theirs,{base}")
    found = [(r.type.value, r.dn) for r in _delta(service, people, store, ignore_actors=ignore)
             .records()]  # fmt: skip
    assert found == [("add", f"uid=theirs,{base}")]


def _number(store: SqliteLinkStore) -> int:
    stored = store.get_watermark("delta_import")
    assert stored is not None
    return int(stored.value.split('"number":')[1].split(",")[0])
