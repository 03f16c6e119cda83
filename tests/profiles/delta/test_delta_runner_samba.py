"""Delta import by uSNChanged polling against a real Samba AD DC: changes, tombstones, gaps."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ldapconnector.anchors import Anchor, AnchorKind, strategy_for
from ldapconnector.connection import LdapConnection
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import FullImportRequiredError
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.profiles.delta import DeltaImportResult, run_delta_import
from ldapconnector.space import SqliteLinkStore, Watermark
from ldapconnector.testing import SambaADServer

pytestmark = [pytest.mark.integration, pytest.mark.samba]


@pytest.fixture(name="server")
def fixture_server(samba_ad_server: SambaADServer) -> Any:
    """The shared session server these tests run against (see ``conftest.py``)."""
    return samba_ad_server


def _delta(
    service: LdapConnection, base: str, store: SqliteLinkStore, **options: Any
) -> DeltaImportResult:
    return run_delta_import(
        service,
        DeltaSource.USN_CHANGED,
        store=store,
        bases=[base],
        anchor_strategy=strategy_for("objectGUID"),
        object_class="user",
        **options,
    )


def _user(connection: LdapConnection, dn: str) -> Anchor:
    name = dn.split(",")[0].split("=")[1]
    connection.add(dn, {"objectClass": "user", "sAMAccountName": f"{name}{uuid.uuid4().hex[:6]}"})
    entry = connection.read_entry(dn, ("objectGUID",))
    assert entry is not None
    raw = entry.first("objectGUID")
    assert isinstance(raw, bytes)
    return Anchor.from_directory(AnchorKind.OBJECT_GUID, raw)


def _found(result: DeltaImportResult) -> list[tuple[str, str, str | None, Anchor | None]]:
    return [(r.type.value, r.dn, r.old_dn, r.anchor) for r in result.records()]


def test_reports_changes_renames_and_tombstones(
    service: LdapConnection, admin: LdapConnection, base: str
) -> None:
    """Adds, then modify, rename, move and delete (by objectGUID) come back; then nothing.

    Read as Administrator (tombstones need rights on CN=Deleted Objects; the fixture grants
    them to the service account too); written as the service account.
    """
    store = SqliteLinkStore.in_memory()
    assert _delta(admin, base, store).baseline
    anchors = {name: _user(service, f"CN={name},{base}") for name in ("ann", "bob", "cid", "dan")}
    added = _found(_delta(admin, base, store))
    assert sorted(added, key=str) == sorted(
        [("add", f"CN={n},{base}", None, anchors[n]) for n in anchors], key=str
    )
    service.modify(f"CN=ann,{base}", [Modification(ModifyOp.REPLACE, "description", "changed")])
    service.modify_dn(f"CN=bob,{base}", "CN=rob")
    service.modify_dn(f"CN=cid,{base}", "CN=cid", new_superior=f"OU=sub,{base}")
    service.delete(f"CN=dan,{base}")
    assert _found(_delta(admin, base, store)) == [
        ("modify", f"CN=ann,{base}", None, anchors["ann"]),
        ("rename", f"CN=rob,{base}", f"CN=bob,{base}", anchors["bob"]),
        ("rename", f"CN=cid,OU=sub,{base}", f"CN=cid,{base}", anchors["cid"]),
        ("delete", f"CN=dan,{base}", f"CN=dan,{base}", anchors["dan"]),
    ]
    assert _found(_delta(admin, base, store)) == []


def test_watermark_of_another_dc_requires_full_import(service: LdapConnection, base: str) -> None:
    """A USN watermark taken on another DC database (invocationId) is refused."""
    store = SqliteLinkStore.in_memory()
    _delta(service, base, store)
    stored = store.get_watermark("delta_import")
    assert stored is not None
    faked = stored.value.replace('"invocation_id":"', '"invocation_id":"00')
    store.set_watermark(Watermark(profile="delta_import", value=faked))
    with pytest.raises(FullImportRequiredError, match="local to one DC"):
        _delta(service, base, store)
