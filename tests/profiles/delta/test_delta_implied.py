"""Delta import re-reads what slapd's memberof and refint overlays write without logging."""

from __future__ import annotations

import subprocess
import time

import pytest

from ldapconnector.anchors import strategy_for
from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import ConfigurationError
from ldapconnector.model import ModifyOp
from ldapconnector.profiles.delta import ChangeBatch, run_delta_import
from ldapconnector.profiles.delta._changes import AttributeChange, ChangeRecord, ChangeType
from ldapconnector.profiles.delta._implied import ImpliedReads, ImpliedTargets, implied_targets
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

PEOPLE = "ou=people,dc=contoso,dc=lab"
GROUPS = "ou=groups,dc=contoso,dc=lab"
BOTH = frozenset({"memberof", "refint"})
G1 = f"cn=g1,{GROUPS}"
ANN, BOB = f"uid=ann,{PEOPLE}", f"uid=bob,{PEOPLE}"

# Loads memberof (with its own refint) and refint into the running server through cn=config.
OVERLAYS = """dn: cn=module{0},cn=config
changetype: modify
add: olcModuleLoad
olcModuleLoad: memberof
olcModuleLoad: refint

dn: olcOverlay=memberof,olcDatabase={1}mdb,cn=config
changetype: add
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: memberof
olcMemberOfRefInt: TRUE
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf

dn: olcOverlay=refint,olcDatabase={1}mdb,cn=config
changetype: add
objectClass: olcOverlayConfig
objectClass: olcRefintConfig
olcOverlay: refint
olcRefintAttribute: member
"""


def _record(kind: ChangeType, dn: str, **fields: object) -> ChangeRecord:
    return ChangeRecord(
        type=kind,
        dn=dn,
        position="1",
        source=DeltaSource.ACCESSLOG,
        **fields,  # type: ignore[arg-type]
    )


def test_implied_targets_of_each_change() -> None:
    """Group adds, member modifies, deletes and renames imply the DNs memberof/refint rewrite."""
    add = _record(ChangeType.ADD, "cn=g,o=x", attributes={"member": ("uid=a,o=x", "uid=b,o=x")})
    assert implied_targets(add, BOTH) == ImpliedTargets(members=("uid=a,o=x", "uid=b,o=x"))
    modify = _record(
        ChangeType.MODIFY,
        "cn=g,o=x",
        changes=(
            AttributeChange(attribute="member", op=ModifyOp.ADD, values=("uid=c,o=x",)),
            AttributeChange(attribute="uniqueMember", op=ModifyOp.REPLACE, values=("uid=d,o=x",)),
            AttributeChange(attribute="description", op=ModifyOp.REPLACE, values=("x",)),
        ),
        old_attributes={"uniqueMember": ("uid=e,o=x",), "description": ("y",)},
    )
    assert implied_targets(modify, BOTH).members == ("uid=c,o=x", "uid=d,o=x", "uid=e,o=x")
    delete = _record(
        ChangeType.DELETE,
        "uid=a,o=x",
        old_dn="uid=a,o=x",
        old_attributes={"memberOf": ("cn=g,o=x",), "uid": ("a",)},
    )
    assert implied_targets(delete, BOTH) == ImpliedTargets(groups=("cn=g,o=x",))
    rename = _record(ChangeType.RENAME, "uid=z,o=x", old_dn="uid=a,o=x", new_rdn="uid=z")
    assert implied_targets(rename, BOTH) == ImpliedTargets(renamed=("uid=z,o=x",))
    assert implied_targets(rename, frozenset({"refint"})).renamed == ("uid=z,o=x",)
    assert implied_targets(add, frozenset({"refint"})) == ImpliedTargets()
    assert implied_targets(add, frozenset()) == ImpliedTargets()


def test_unknown_overlay_is_refused() -> None:
    """An overlay name other than memberof or refint is a configuration error."""
    with pytest.raises(ConfigurationError, match="dynlist"):
        ImpliedReads(overlays=frozenset({"memberof", "dynlist"}))


@pytest.fixture(name="server")
def fixture_server(fresh_openldap_server: OpenLDAPServer) -> OpenLDAPServer:
    """A slapd of the test's own with memberof and refint loaded at run time."""
    subprocess.run(
        ["ldapmodify", "-Q", "-Y", "EXTERNAL", "-H", fresh_openldap_server.ldapi_uri],
        input=OVERLAYS, text=True, check=True, capture_output=True,
        env=fresh_openldap_server.tool_env(),
    )  # fmt: skip
    return fresh_openldap_server


def _admin(server: OpenLDAPServer) -> LdapConnection:
    return open_connection(server.connectivity_config("ldaps", "simple", as_service=False))


def _batches(server: OpenLDAPServer, store: SqliteLinkStore) -> list[ChangeBatch]:
    with open_connection(server.connectivity_config("ldaps", "simple")) as service:
        result = run_delta_import(
            service,
            DeltaSource.ACCESSLOG,
            store=store,
            bases=[PEOPLE, GROUPS],
            anchor_strategy=strategy_for("entryUUID"),
            batch_size=1,
        )
        return list(result)


def _summary(batch: ChangeBatch) -> list[tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]]]:
    """Type, DN and (attribute, sorted values) of each record: value order is the server's."""
    return [
        (
            r.type.value,
            r.dn,
            tuple((c.attribute, tuple(sorted(map(str, c.values)))) for c in r.changes),
        )
        for r in batch.records
    ]


def _setup(server: OpenLDAPServer, store: SqliteLinkStore) -> None:
    _batches(server, store)  # baseline
    with _admin(server) as admin:
        for name in ("ann", "bob"):
            admin.add(f"uid={name},{PEOPLE}", {"objectClass": "inetOrgPerson", "uid": name,
                                              "cn": name, "sn": "T"})  # fmt: skip
        group = {"objectClass": "groupOfNames", "cn": "g1", "member": [ANN, BOB]}
        admin.add(G1, group)


def _wait_members(server: OpenLDAPServer, expected: tuple[str, ...]) -> None:
    """Wait for refint's background rewrite of the group (it follows the operation)."""
    with _admin(server) as admin:
        for _attempt in range(50):
            entry = admin.read_entry(f"cn=g1,{GROUPS}", ("member",))
            if entry is not None and sorted(entry.texts("member")) == sorted(expected):
                return
            time.sleep(0.1)
    pytest.fail(f"refint did not rewrite the group to {expected}")


@pytest.mark.integration
@pytest.mark.openldap
def test_group_add_reports_the_members_memberof(server: OpenLDAPServer) -> None:
    """A group add comes in the same batch as both members' re-read memberOf."""
    store = SqliteLinkStore.in_memory()
    _setup(server, store)
    batches = _batches(server, store)
    assert [_summary(b) for b in batches] == [
        [("add", ANN, ())],
        [("add", BOB, ())],
        [("add", G1, ()), ("modify", ANN, (("memberOf", (G1,)),)),
         ("modify", BOB, (("memberOf", (G1,)),))],
    ]  # fmt: skip
    assert all(r.anchor is not None for r in batches[2].records)
    assert _batches(server, store) == []


@pytest.mark.integration
@pytest.mark.openldap
def test_rename_and_delete_report_the_group(server: OpenLDAPServer) -> None:
    """A member's rename and delete each come with the group whose member refint rewrote."""
    store = SqliteLinkStore.in_memory()
    _setup(server, store)
    _batches(server, store)
    ann2 = f"uid=ann2,{PEOPLE}"
    with _admin(server) as admin:
        admin.modify_dn(ANN, "uid=ann2")
    _wait_members(server, (ann2, BOB))
    assert [_summary(b) for b in _batches(server, store)] == [
        [("rename", ann2, ()), ("modify", G1, (("member", (ann2, BOB)),))],
    ]
    with _admin(server) as admin:
        admin.delete(BOB)
    _wait_members(server, (ann2,))
    assert [_summary(b) for b in _batches(server, store)] == [
        [("delete", BOB, ()), ("modify", G1, (("member", (ann2,)),))],
    ]
