"""The cn=changelog decoder: a captured 389 DS retro changelog, edge cases, a live 389 DS."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from ldapconnector._ldif_io import read_ldif_file
from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.connection import open_connection
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import InvalidRequestError, LdifError
from ldapconnector.model import Modification, ModifyOp, Value
from ldapconnector.profiles.delta._changelog_decode import (
    changelog_position,
    changelog_search,
    changelog_sort_key,
    decode_changelog_entry,
    parse_changes,
)
from ldapconnector.profiles.delta._changes import (
    AttributeChange,
    ChangeLogDecodeError,
    ChangeRecord,
    ChangeType,
)
from ldapconnector.testing import DS389Server

CAPTURE = Path(__file__).parents[2] / "data" / "changelog" / "389ds-retro-changelog.ldif"
PEOPLE = "ou=people,dc=contoso,dc=lab"
SERVICE = "cn=connector,ou=services,dc=contoso,dc=lab"
ANN = Anchor.parse(AnchorKind.ENTRY_UUID, "ec198e7a-7713-44a3-a0e1-e2dc848cf92c")
SUB = Anchor.parse(AnchorKind.ENTRY_UUID, "031d586e-4aa8-49a8-839b-101807c7da7a")


def _change(attribute: str, op: ModifyOp, *values: str) -> AttributeChange:
    return AttributeChange(attribute=attribute, op=op, values=values)


def _captured() -> list[ChangeRecord | None]:
    return [decode_changelog_entry(entry.attributes) for entry in read_ldif_file(CAPTURE)]


def _log(**extra: Sequence[Value]) -> dict[str, tuple[Value, ...]]:
    base: dict[str, tuple[Value, ...]] = {
        "changeNumber": ("41",),
        "changeType": ("modify",),
        "targetDn": (f"uid=x,{PEOPLE}",),
        "changeTime": ("20260101120000Z",),
        "targetUniqueId": ("56F98C81-e97011f1-9d08ac5d-5b75bd7b",),
    }
    return base | {name: tuple(value) for name, value in extra.items()}


def test_captured_changelog_decodes_to_the_writes_made() -> None:
    """Every write comes back with its type, new and old DN (targetDn is the old one)."""
    got = [(r.type, r.dn, r.old_dn, r.anchor) for r in _captured() if r is not None]
    moved, renamed = f"uid=anna,ou=sub,{PEOPLE}", f"cn=Anna Archer,ou=sub,{PEOPLE}"
    assert got == [
        (ChangeType.ADD, f"uid=ann,{PEOPLE}", None, ANN),
        (ChangeType.ADD, f"ou=sub,{PEOPLE}", None, SUB),
        (ChangeType.MODIFY, f"uid=ann,{PEOPLE}", None, ANN),
        (ChangeType.MODIFY, f"uid=ann,{PEOPLE}", None, ANN),
        (ChangeType.MODIFY, f"uid=ann,{PEOPLE}", None, ANN),
        (ChangeType.MODIFY, f"uid=ann,{PEOPLE}", None, ANN),
        (ChangeType.RENAME, moved, f"uid=ann,{PEOPLE}", ANN),
        (ChangeType.RENAME, renamed, moved, ANN),
        (ChangeType.DELETE, renamed, renamed, ANN),
    ]


def test_captured_add_decodes_base64_and_drops_internals() -> None:
    """An add's LDIF (base64 multi-line value included) gives user attributes only."""
    add = _captured()[0]
    assert add is not None
    assert add.attributes == {
        "objectClass": ("inetOrgPerson", "organizationalPerson", "person", "top"),
        "uid": ("ann",),
        "cn": ("Ann Archer",),
        "sn": ("Archer",),
        "mail": ("ann@contoso.lab", "archer@contoso.lab"),
        "description": ("first line\nsecond line é",),
    }
    assert (add.actor, add.source, add.position) == (SERVICE, DeltaSource.CHANGELOG, "1")


def test_captured_modifies_strip_the_nul_and_decode_groups() -> None:
    """Modify groups become ordered changes; 389's trailing NUL is not a value."""
    modifies = [r for r in _captured() if r is not None and r.type is ChangeType.MODIFY]
    assert [m.changes for m in modifies[:3]] == [
        (
            _change("telephoneNumber", ModifyOp.ADD, "+1 555 0100", "+1 555 0101"),
            _change("mail", ModifyOp.DELETE, "archer@contoso.lab"),
            _change("sn", ModifyOp.REPLACE, "Archer-Smith"),
        ),
        (_change("telephoneNumber", ModifyOp.DELETE),),
        (_change("description", ModifyOp.REPLACE),),
    ]
    assert [c.attribute for c in modifies[3].changes] == ["userPassword"]
    assert all(m.actor == SERVICE for m in modifies)


def test_captured_password_bookkeeping_modify_is_dropped() -> None:
    """389's internal passwordGraceUserTime modify after a password change is no change."""
    assert _captured()[6] is None


def test_captured_renames_name_rdn_and_superior() -> None:
    """A modrdn gives newRdn, newSuperior (when moved) and deleteOldRdn."""
    renames = [r for r in _captured() if r is not None and r.type is ChangeType.RENAME]
    assert [(r.new_rdn, r.new_superior, r.delete_old_rdn, r.changes) for r in renames] == [
        ("uid=anna", f"ou=sub,{PEOPLE}", True, ()),
        ("cn=Anna Archer", None, False, ()),
    ]


def test_positions_order_as_integers() -> None:
    """changeNumber orders numerically: record 10 comes after record 9."""
    records = [r for r in _captured() if r is not None]
    assert [r.position for r in records][-2:] == ["9", "10"]
    assert sorted(records[::2] + records[1::2], key=changelog_sort_key) == records
    assert changelog_position({"changeNumber": (" 0010 ",)}) == "10"


def test_anchor_kind_chooses_the_logged_identifier() -> None:
    """nsUniqueId comes from targetUniqueId, entryUUID from targetEntryUUID, dn from targetDn."""
    entry = _log(changes=("replace: sn\nsn: a\n-\n",))
    by_unique_id = decode_changelog_entry(entry, anchor_kind=AnchorKind.NS_UNIQUE_ID)
    assert by_unique_id is not None
    assert by_unique_id.anchor == Anchor.parse(
        AnchorKind.NS_UNIQUE_ID, "56f98c81-e97011f1-9d08ac5d-5b75bd7b"
    )
    default = decode_changelog_entry(entry)
    assert default is not None
    assert default.anchor == by_unique_id.anchor
    by_dn = decode_changelog_entry(entry, anchor_kind=AnchorKind.DN)
    assert by_dn is not None
    assert by_dn.anchor == Anchor.parse(AnchorKind.DN, f"uid=x,{PEOPLE}")
    assert decode_changelog_entry(entry, anchor_kind=AnchorKind.ENTRY_UUID) is not None


def test_bytes_changes_with_folding_and_no_final_dash() -> None:
    """Changes arriving as bytes, folded, base64 and without a final ``-`` still decode."""
    text = b"add: mail\nmail: a@x\nmail:: Yk B4\n-\nincrement: uidNumber\nuidNumber: 2\n\x00"
    assert parse_changes(text.rstrip(b"\0")) == (
        _change("mail", ModifyOp.ADD, "a@x", "b@x"),
        _change("uidNumber", ModifyOp.INCREMENT, "2"),
    )
    folded = b"replace: description\ndescription: long\n  value\n-"
    assert parse_changes(folded) == (_change("description", ModifyOp.REPLACE, "long value"),)


def test_empty_changes_and_unknown_types_decode_to_none() -> None:
    """A modify with empty changes, or a changeType we do not know, is not a change."""
    assert decode_changelog_entry(_log(changes=("",))) is None
    assert decode_changelog_entry(_log(changeType=("purge",))) is None


def test_malformed_changes_are_errors() -> None:
    """A group with no known operation, or foreign values, stops decoding."""
    with pytest.raises(ChangeLogDecodeError, match="changelog 41"):
        decode_changelog_entry(_log(changes=("frobnicate: sn\nsn: a\n-\n",)))
    with pytest.raises(ChangeLogDecodeError, match="'cn' values under 'sn'"):
        decode_changelog_entry(_log(changes=("replace: sn\ncn: a\n-\n",)))
    with pytest.raises(LdifError):
        decode_changelog_entry(_log(changes=("replace: sn\nno colon here\n-\n",)))


def test_missing_fields_are_errors() -> None:
    """No targetDn, no newRdn on a modrdn, or no changeNumber is refused."""
    with pytest.raises(ChangeLogDecodeError, match="targetDN"):
        decode_changelog_entry(_log(targetDn=(), changeType=("delete",)))
    with pytest.raises(ChangeLogDecodeError, match="newRDN"):
        decode_changelog_entry(_log(changeType=("modrdn",)))
    with pytest.raises(ChangeLogDecodeError, match="changeNumber"):
        decode_changelog_entry(_log(changeNumber=("x",)))


def test_search_selects_changes_after_the_checkpoint() -> None:
    """The filter asks for changeNumber above the checkpoint, as an integer."""
    assert changelog_search(9).search_filter == "(&(objectClass=changeLogEntry)(changeNumber>=10))"
    assert changelog_search("41").search_filter.endswith("(changeNumber>=42))")
    assert changelog_search().search_filter == "(objectClass=changeLogEntry)"
    assert changelog_search(base="cn=changelog,o=x").base == "cn=changelog,o=x"


@pytest.mark.parametrize("checkpoint", ["-1", "*", "1)(cn=*", "1.5"])
def test_search_refuses_a_checkpoint_that_is_not_a_number(checkpoint: str) -> None:
    """A checkpoint that is not a non-negative integer never reaches a filter."""
    with pytest.raises(InvalidRequestError):
        changelog_search(checkpoint)


@pytest.mark.integration
@pytest.mark.ds389
def test_live_389_changes_decode_exactly(ds389_server: DS389Server) -> None:
    """Writes as the service account come back from cn=changelog with 389's anchors."""
    server = ds389_server
    people = server.people_dn
    dave, box = f"uid=dave-delta,{people}", f"ou=delta-box,{people}"
    admin = server.connectivity_config(security="ldaps", as_service=False)
    with open_connection(admin) as conn:
        before = int(conn.read_root_dse().texts("lastchangenumber")[0] or 0)
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        conn.add(box, {"objectClass": ["organizationalUnit"], "ou": "delta-box"})
        conn.add(
            dave, {"objectClass": ["inetOrgPerson"], "uid": "dave-delta", "cn": "D", "sn": "D"}
        )
        read = conn.read_entry(dave, attributes=["entryUUID", "nsUniqueId"])
        assert read is not None
        conn.modify(dave, [Modification(ModifyOp.ADD, "mail", ["d@contoso.lab"])])
        moved = conn.modify_dn(dave, "cn=Dave D", delete_old_rdn=False, new_superior=box)
        conn.delete(moved)
    search = changelog_search(before)
    with open_connection(admin) as conn:
        entries = list(conn.search(search.base, search.search_filter, attributes=search.attributes))
    records = sorted(
        (r for r in map(decode_changelog_entry, entries) if r is not None), key=changelog_sort_key
    )
    assert [(r.type, r.dn, r.old_dn) for r in records] == [
        (ChangeType.ADD, box, None),
        (ChangeType.ADD, dave, None),
        (ChangeType.MODIFY, dave, None),
        (ChangeType.RENAME, f"cn=Dave D,{box}", dave),
        (ChangeType.DELETE, f"cn=Dave D,{box}", f"cn=Dave D,{box}"),
    ]
    uuid = Anchor.parse(AnchorKind.ENTRY_UUID, str(read.first("entryUUID")))
    assert all(r.anchor == uuid for r in records[1:])
    unique = decode_changelog_entry(entries[-1], anchor_kind=AnchorKind.NS_UNIQUE_ID)
    assert unique is not None
    assert unique.anchor == Anchor.parse(AnchorKind.NS_UNIQUE_ID, str(read.first("nsUniqueId")))
    assert records[2].changes == (_change("mail", ModifyOp.ADD, "d@contoso.lab"),)
    assert records[1].attributes["uid"] == ("dave-delta",)
