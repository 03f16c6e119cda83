"""Member values back to source ids through a members' link store (no server needed)."""

from __future__ import annotations

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.config import MembershipConfig, ObjectTypeConfig
from ldapconnector.model import GroupMember
from ldapconnector.profiles import MemberResolver, MemberSettings, member_settings
from ldapconnector.space import Link, LinkState, SqliteLinkStore

PEOPLE = "ou=people,dc=a"


def settings(target: str, **membership: object) -> MemberSettings:
    """The settings of a group type of ``target``."""
    config = MembershipConfig(members_of="users", **membership)  # type: ignore[arg-type]
    found = member_settings(ObjectTypeConfig(target=target, membership=config))
    assert found is not None
    return found


def store() -> SqliteLinkStore:
    """Links of ann (live), bob (deleted) and carol (whose RDN is no uid)."""
    links = SqliteLinkStore.in_memory()
    for n, (source_id, rdn, state) in enumerate([
        ("u-ann", "uid=ann", LinkState.ACTIVE), ("u-bob", "uid=bob", LinkState.DELETED),
        ("u-carol", "cn=carol", LinkState.ACTIVE),
    ]):  # fmt: skip
        anchor = Anchor.parse(AnchorKind.ENTRY_UUID, f"00000000-0000-0000-0000-00000000000{n}")
        links.put(Link(source_id=source_id, anchor=anchor, dn=f"{rdn},{PEOPLE}", state=state))
    return links


def test_dns_resolve_by_link_case_aside_and_the_placeholder_is_dropped() -> None:
    """A linked DN gives its source id (also of a deleted member's link); others stay raw."""
    with store() as links:
        resolver = MemberResolver(settings=settings("groupOfNames", placeholder_member="cn=x"),
                                  store=links)  # fmt: skip
        found = resolver.members([f"UID=Ann,{PEOPLE}", "CN=X", f"uid=bob,{PEOPLE}", b"cn=y"])
    assert found == (
        GroupMember(value=f"UID=Ann,{PEOPLE}", source_id="u-ann"),
        GroupMember(value=f"uid=bob,{PEOPLE}", source_id="u-bob"),
        GroupMember(value="cn=y", source_id=None),
    )
    assert [m.reference for m in found] == ["u-ann", "u-bob", "cn=y"]


def test_uids_resolve_through_the_uid_rdns_of_the_links() -> None:
    """memberUid values: a link whose RDN is uid=... names that uid, exactly."""
    with store() as links:
        found = MemberResolver(settings=settings("posixGroup"), store=links).members(
            ["ann", "Ann", "bob", "carol"]
        )
    assert [m.reference for m in found] == ["u-ann", "Ann", "u-bob", "carol"]
