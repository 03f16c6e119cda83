"""The OpenLDAP accesslog decoder: a captured log, hand-made edge cases, and a live slapd."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from ldapconnector._ldif_io import read_ldif_file
from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.config import Secret
from ldapconnector.connection import open_connection
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import AuthenticationFailedError, InvalidRequestError
from ldapconnector.model import Modification, ModifyOp, SearchScope, Value
from ldapconnector.profiles.delta._accesslog_decode import (
    accesslog_position,
    accesslog_search,
    accesslog_sort_key,
    decode_accesslog_entry,
)
from ldapconnector.profiles.delta._changes import (
    AttributeChange,
    ChangeLogDecodeError,
    ChangeRecord,
    ChangeType,
)
from ldapconnector.testing import OpenLDAPServer

CAPTURE = Path(__file__).parents[2] / "data" / "changelog" / "openldap-accesslog.ldif"
PEOPLE = "ou=people,dc=contoso,dc=lab"
SERVICE = "cn=connector,ou=services,dc=contoso,dc=lab"
ANN = Anchor.parse(AnchorKind.ENTRY_UUID, "106e2310-7dbc-1041-9821-bfca64ab293a")
SUB = Anchor.parse(AnchorKind.ENTRY_UUID, "106e67ee-7dbc-1041-9823-bfca64ab293a")


def _change(attribute: str, op: ModifyOp, *values: str) -> AttributeChange:
    return AttributeChange(attribute=attribute, op=op, values=values)


def _captured() -> list[ChangeRecord | None]:
    return [decode_accesslog_entry(entry.attributes) for entry in read_ldif_file(CAPTURE)]


def _log(**extra: Sequence[Value]) -> dict[str, tuple[Value, ...]]:
    base: dict[str, tuple[Value, ...]] = {
        "reqType": ("modify",),
        "reqResult": ("0",),
        "reqDN": (f"uid=x,{PEOPLE}",),
        "reqAuthzID": (SERVICE,),
        "reqStart": ("20260101120000.000005Z",),
        "reqEntryUUID": ("0A6E2310-7DBC-1041-9821-BFCA64AB293A",),
        "entryCSN": ("20260101120000.123456Z#000000#000#000000",),
    }
    return base | {name: tuple(value) for name, value in extra.items()}


# -- the captured log ------------------------------------------------------------------


def test_captured_log_decodes_to_the_writes_made() -> None:
    """Every write of the capture scenario comes back with its type, DNs and anchor."""
    got = [(r.type, r.dn, r.old_dn, r.anchor) for r in _captured() if r is not None]
    assert got[:8] == [
        (ChangeType.ADD, f"uid=ann,{PEOPLE}", None, ANN),
        (ChangeType.ADD, f"ou=sub,{PEOPLE}", None, SUB),
        (ChangeType.MODIFY, f"uid=ann,{PEOPLE}", None, ANN),
        (ChangeType.MODIFY, f"uid=ann,{PEOPLE}", None, ANN),
        (ChangeType.MODIFY, f"uid=ann,{PEOPLE}", None, ANN),
        (ChangeType.MODIFY, f"uid=ann,{PEOPLE}", None, ANN),
        (ChangeType.RENAME, f"uid=anna,ou=sub,{PEOPLE}", f"uid=ann,{PEOPLE}", ANN),
        (
            ChangeType.RENAME,
            f"cn=Anna Archer,ou=sub,{PEOPLE}",
            f"uid=anna,ou=sub,{PEOPLE}",
            ANN,
        ),
    ]
    assert got[8] == (
        ChangeType.DELETE,
        f"cn=Anna Archer,ou=sub,{PEOPLE}",
        f"cn=Anna Archer,ou=sub,{PEOPLE}",
        ANN,
    )


def test_captured_add_keeps_user_attributes_only() -> None:
    """An add carries every user value (multi-line ones too) and no operational noise."""
    add = _captured()[0]
    assert add is not None
    assert add.attributes == {
        "objectClass": ("inetOrgPerson",),
        "uid": ("ann",),
        "cn": ("Ann Archer",),
        "sn": ("Archer",),
        "mail": ("ann@contoso.lab", "archer@contoso.lab"),
        "description": ("first line\nsecond line é",),
    }
    assert add.actor == SERVICE
    assert add.source is DeltaSource.ACCESSLOG


def test_captured_modifies_decode_add_delete_replace() -> None:
    """reqMod lines become ordered changes; a delete or replace with no value stays empty."""
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
    assert modifies[0].old_attributes == {
        "sn": ("Archer",),
        "mail": ("ann@contoso.lab", "archer@contoso.lab"),
    }
    password = modifies[3].changes
    assert [(c.attribute, c.op) for c in password] == [("userPassword", ModifyOp.REPLACE)]


def test_captured_renames_carry_rdn_superior_and_case() -> None:
    """A move keeps the RDN's case (reqNewDN is normalized) and names the new parent."""
    renames = [r for r in _captured() if r is not None and r.type is ChangeType.RENAME]
    assert [(r.new_rdn, r.new_superior, r.delete_old_rdn) for r in renames] == [
        ("uid=anna", f"ou=sub,{PEOPLE}", True),
        ("cn=Anna Archer", None, False),
    ]
    assert all(r.changes == () for r in renames)


def test_captured_delete_keeps_old_values_from_reqold() -> None:
    """A delete's reqOld gives the entry's last values, bookkeeping dropped."""
    delete = next(r for r in _captured() if r is not None and r.type is ChangeType.DELETE)
    assert delete.old_attributes["uid"] == ("anna",)
    assert delete.old_attributes["cn"] == ("Ann Archer", "Anna Archer")
    assert "entryCSN" not in delete.old_attributes


def test_captured_bind_bookkeeping_is_not_reported() -> None:
    """The failed and the good bind of bob log rootdn modifies that decode to None."""
    records = _captured()
    assert records[-2:] == [None, None]
    policy = records[-4]
    assert policy is not None
    assert policy.dn == "cn=default,ou=policies,dc=contoso,dc=lab"
    assert policy.actor == "cn=admin,dc=contoso,dc=lab"


def test_captured_positions_sort_in_log_order() -> None:
    """Positions are the entries' CSNs, strictly increasing in the order of the writes."""
    entries = read_ldif_file(CAPTURE)
    positions = [accesslog_position(e.attributes) for e in entries]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    records = [r for r in _captured() if r is not None]
    shuffled = records[1::2] + records[0::2]
    assert sorted(shuffled, key=accesslog_sort_key) == records


# -- hand-made edge cases ----------------------------------------------------------------


def test_failed_operations_and_other_types_decode_to_none() -> None:
    """Only successful add, modify, modrdn and delete entries are changes."""
    assert decode_accesslog_entry(_log(reqResult=("32",), reqMod=("sn:= a",))) is None
    assert decode_accesslog_entry(_log(reqType=("extended(1.3.6.1.4.1.4203.1.11.1)",))) is None
    assert decode_accesslog_entry(_log(reqResult=(), reqMod=("sn:= a",))) is None


def test_same_attribute_and_op_accumulate_and_noise_goes() -> None:
    """Consecutive lines of one attribute and op merge; bookkeeping lines are dropped."""
    lines = ("mail:+ a", "mail:+ b", "mail:- c", "entryCSN:= x", "modifyTimestamp:= y")
    record = decode_accesslog_entry(_log(reqMod=lines))
    assert record is not None
    assert record.changes == (
        _change("mail", ModifyOp.ADD, "a", "b"),
        _change("mail", ModifyOp.DELETE, "c"),
    )
    assert record.anchor == Anchor.parse(
        AnchorKind.ENTRY_UUID, "0a6e2310-7dbc-1041-9821-bfca64ab293a"
    )


def test_increment_values_with_spaces_and_empty_add() -> None:
    """An increment keeps its amount, a value keeps its inner spaces, a bare add is a no-op."""
    record = decode_accesslog_entry(_log(reqMod=("uidNumber:# 5", "cn:= A  B ", "mail:+")))
    assert record is not None
    assert record.changes == (
        _change("uidNumber", ModifyOp.INCREMENT, "5"),
        _change("cn", ModifyOp.REPLACE, "A  B "),
    )


def test_binary_reqmod_values_stay_bytes() -> None:
    """A reqMod value that is not UTF-8 arrives as bytes and is kept as bytes."""
    record = decode_accesslog_entry(_log(reqMod=(b"jpegPhoto:+ \xff\xd8\xff",)))
    assert record is not None
    assert record.changes == (
        AttributeChange(attribute="jpegPhoto", op=ModifyOp.ADD, values=(b"\xff\xd8\xff",)),
    )


def test_modify_of_bookkeeping_only_decodes_to_none() -> None:
    """A modify whose every line is operational bookkeeping is not a change."""
    assert (
        decode_accesslog_entry(_log(reqMod=("modifiersName:= cn=a", "pwdChangedTime:= 1"))) is None
    )


def test_bind_bookkeeping_rule_can_be_limited_to_the_rootdn() -> None:
    """Given the rootdn, only its bind-state modifies are bookkeeping; others are changes."""
    lock = ("pwdAccountLockedTime:= 20260101120000Z",)
    by_root = _log(reqMod=lock, reqAuthzID=("cn=admin,dc=contoso,dc=lab",))
    by_helpdesk = _log(reqMod=lock, reqAuthzID=("cn=helpdesk,dc=contoso,dc=lab",))
    actors = ["CN=admin,dc=contoso,dc=lab"]
    assert decode_accesslog_entry(by_root, bookkeeping_actors=actors) is None
    assert decode_accesslog_entry(by_helpdesk, bookkeeping_actors=actors) is not None
    assert decode_accesslog_entry(by_helpdesk) is None
    mixed = _log(reqMod=("pwdFailureTime:+ 1", "description:= x"))
    assert decode_accesslog_entry(mixed) is not None


def test_anchor_falls_back_to_logged_entryuuid() -> None:
    """Without reqEntryUUID (OpenLDAP 2.4) the anchor comes from reqOld's entryUUID."""
    entry = _log(
        reqType=("delete",),
        reqEntryUUID=(),
        reqOld=("entryUUID: 106e2310-7dbc-1041-9821-bfca64ab293a", "uid: x"),
    )
    record = decode_accesslog_entry(entry)
    assert record is not None
    assert record.anchor == ANN
    assert record.old_attributes == {"uid": ("x",)}


def test_dn_anchor_names_the_dn_before_the_change() -> None:
    """With the dn anchor kind a rename's anchor is its old DN."""
    entry = _log(reqType=("modrdn",), reqNewRDN=("uid=y",), reqDeleteOldRDN=("TRUE",))
    record = decode_accesslog_entry(entry, anchor_kind=AnchorKind.DN)
    assert record is not None
    assert record.anchor == Anchor.parse(AnchorKind.DN, f"uid=x,{PEOPLE}")
    assert record.dn == f"uid=y,{PEOPLE}"


def test_time_is_taken_from_the_csn_not_the_reqstart_fraction() -> None:
    """The record time has the CSN's microseconds; reqStart's fraction is a counter."""
    record = decode_accesslog_entry(_log(reqMod=("sn:= a",)))
    assert record is not None
    assert record.time is not None
    assert record.time.microsecond == 123456


@pytest.mark.parametrize("line", ["sn", ":= a", "sn:* a", "sn:=a", "uidNumber:#"], ids=repr)
def test_malformed_reqmod_is_an_error(line: str) -> None:
    """A reqMod value that is not ``attr:<op>[ value]`` stops decoding with its position."""
    with pytest.raises(ChangeLogDecodeError, match=r"20260101120000\.123456Z"):
        decode_accesslog_entry(_log(reqMod=(line,)))


def test_entry_without_reqdn_or_csn_is_an_error() -> None:
    """A log entry with no target DN, or no entryCSN to resume from, is refused."""
    with pytest.raises(ChangeLogDecodeError, match="reqDN"):
        decode_accesslog_entry(_log(reqDN=(), reqMod=("sn:= a",)))
    with pytest.raises(ChangeLogDecodeError, match="entryCSN"):
        decode_accesslog_entry(_log(entryCSN=(), reqMod=("sn:= a",)))


def test_search_selects_successful_writes_after_the_checkpoint() -> None:
    """The search is one level under the log, escaped, strictly after the given CSN."""
    csn = "20260101120000.123456Z#000000#000#000000"
    search = accesslog_search(csn)
    assert search.base == "cn=accesslog"
    assert search.scope is SearchScope.ONE_LEVEL
    assert search.search_filter == (
        f"(&(objectClass=auditWriteObject)(reqResult=0)(entryCSN>={csn})(!(entryCSN={csn})))"
    )
    assert "entryCSN" in search.attributes
    assert accesslog_search().search_filter == "(&(objectClass=auditWriteObject)(reqResult=0))"


@pytest.mark.parametrize("checkpoint", ["*", "x)(objectClass=*", "20260101120000Z"])
def test_search_refuses_a_checkpoint_that_is_not_a_csn(checkpoint: str) -> None:
    """A checkpoint that is not a CSN never reaches a filter."""
    with pytest.raises(InvalidRequestError):
        accesslog_search(checkpoint)


# -- a live slapd ----------------------------------------------------------------------


def _read_log(server: OpenLDAPServer, after: str | None = None) -> list[ChangeRecord | None]:
    search = accesslog_search(after)
    admin = server.connectivity_config(security="ldaps", as_service=False)
    with open_connection(admin) as conn:
        entries = list(
            conn.search(
                search.base, search.search_filter, scope=search.scope, attributes=search.attributes
            )
        )
    return [decode_accesslog_entry(entry) for entry in entries]


def _uuid(dn: str, server: OpenLDAPServer) -> Anchor:
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        entry = conn.read_entry(dn, attributes=["entryUUID"])
    assert entry is not None
    value = entry.first("entryUUID")
    assert isinstance(value, str)
    return Anchor.parse(AnchorKind.ENTRY_UUID, value)


@pytest.mark.integration
@pytest.mark.openldap
def test_live_writes_decode_exactly(fresh_openldap_server: OpenLDAPServer) -> None:
    """Adds, modifies, a move with a new RDN and a delete come back exactly, in order."""
    server = fresh_openldap_server
    people = f"ou=people,{server.base_dn}"
    carl, dept = f"uid=carl,{people}", f"ou=dept,{people}"
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        conn.add(dept, {"objectClass": ["organizationalUnit"], "ou": "dept"})
        conn.add(carl, {"objectClass": ["inetOrgPerson"], "uid": "carl", "cn": "Carl", "sn": "C"})
        anchor = _uuid(carl, server)
        conn.modify(
            carl,
            [
                Modification(ModifyOp.ADD, "mail", ["c1@contoso.lab", "c2@contoso.lab"]),
                Modification(ModifyOp.REPLACE, "sn", ["Carlsson"]),
            ],
        )
        conn.modify(carl, [Modification(ModifyOp.DELETE, "mail", ["c1@contoso.lab"])])
        moved = conn.modify_dn(carl, "cn=Carl C", delete_old_rdn=False, new_superior=dept)
        conn.delete(moved)
    records = [r for r in _read_log(server) if r is not None]
    assert [(r.type, r.dn, r.old_dn) for r in records] == [
        (ChangeType.ADD, dept, None),
        (ChangeType.ADD, carl, None),
        (ChangeType.MODIFY, carl, None),
        (ChangeType.MODIFY, carl, None),
        (ChangeType.RENAME, f"cn=Carl C,{dept}", carl),
        (ChangeType.DELETE, f"cn=Carl C,{dept}", f"cn=Carl C,{dept}"),
    ]
    assert all(r.anchor == anchor for r in records[1:])
    assert records[1].attributes == {
        "objectClass": ("inetOrgPerson",),
        "uid": ("carl",),
        "cn": ("Carl",),
        "sn": ("C",),
    }
    assert records[2].changes == (
        _change("mail", ModifyOp.ADD, "c1@contoso.lab", "c2@contoso.lab"),
        _change("sn", ModifyOp.REPLACE, "Carlsson"),
    )
    assert records[3].changes == (_change("mail", ModifyOp.DELETE, "c1@contoso.lab"),)
    assert (records[4].new_superior, records[4].delete_old_rdn) == (dept, False)
    assert records[5].old_attributes["mail"] == ("c2@contoso.lab",)
    assert all(r.actor == server.service_dn for r in records)


@pytest.mark.integration
@pytest.mark.openldap
def test_live_checkpoint_filter_returns_only_later_changes(
    fresh_openldap_server: OpenLDAPServer,
) -> None:
    """The server applies entryCSN ordering: after a record's position only later ones come."""
    server = fresh_openldap_server
    people = f"ou=people,{server.base_dn}"
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        for name in ("d1", "d2", "d3"):
            conn.add(
                f"uid={name},{people}",
                {"objectClass": ["inetOrgPerson"], "uid": name, "cn": name, "sn": name},
            )
    first = [r for r in _read_log(server) if r is not None]
    later = [r for r in _read_log(server, first[0].position) if r is not None]
    assert [r.dn for r in sorted(later, key=accesslog_sort_key)] == [
        f"uid=d2,{people}",
        f"uid=d3,{people}",
    ]
    assert _read_log(server, first[-1].position) == []


@pytest.mark.integration
@pytest.mark.openldap
def test_live_bind_bookkeeping_is_dropped(fresh_openldap_server: OpenLDAPServer) -> None:
    """With lockout on, a failed and a good bind log rootdn modifies; none is reported."""
    server = fresh_openldap_server
    admin = server.connectivity_config(security="ldaps", as_service=False)
    erin = f"uid=erin,ou=people,{server.base_dn}"
    with open_connection(admin) as conn:
        policy = next(conn.search(server.base_dn, "(objectClass=pwdPolicy)", attributes=["1.1"]))
        lockout = [
            Modification(ModifyOp.REPLACE, "pwdLockout", ["TRUE"]),
            Modification(ModifyOp.REPLACE, "pwdMaxFailure", ["3"]),
        ]
        conn.modify(policy.dn, lockout)
        conn.add(
            erin,
            {"objectClass": ["inetOrgPerson"], "uid": "erin", "cn": "E", "sn": "E"}
            | {"userPassword": "Erin-Secret-1"},
        )
    with pytest.raises(AuthenticationFailedError):
        open_connection(attrs.evolve(admin, user=erin, password=Secret("wrong"))).close()
    open_connection(attrs.evolve(admin, user=erin, password=Secret("Erin-Secret-1"))).close()
    decoded = _read_log(server)
    assert [r.type if r else None for r in decoded] == [
        ChangeType.MODIFY,
        ChangeType.ADD,
        None,
        None,
    ]
    rootdn = [server.admin_dn]
    assert _read_log(server)[2:] == [None, None]
    search = accesslog_search()
    with open_connection(admin) as conn:
        raw = list(conn.search(search.base, search.search_filter, attributes=search.attributes))
    assert [decode_accesslog_entry(e, bookkeeping_actors=rootdn) for e in raw[2:]] == [None, None]
