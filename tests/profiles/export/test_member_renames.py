"""The old DNs the export keeps for renamed members, without a server.

The rewrite in groups on a real slapd is covered by test_groups_openldap.py; these check
what the link writer records and what the membership sweep is given back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.profiles.export._links import NoLinks, StoreLinks
from ldapconnector.profiles.export._member_renames import (
    KEPT_RENAMES,
    renamed_key,
    renames_since,
)
from ldapconnector.space import Link, LinkState, SqliteLinkStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _link(source_id: str, dn: str, minutes: int, state: LinkState = LinkState.ACTIVE) -> Link:
    anchor = Anchor.from_directory(AnchorKind.DN, f"entryUUID={source_id}")
    return Link(
        source_id=source_id, anchor=anchor, dn=dn, state=state,
        updated=T0 + timedelta(minutes=minutes),
    )  # fmt: skip


def _move(store: SqliteLinkStore, source_id: str, *dns: str) -> None:
    """Write the member's link at each DN in turn, as successive exports do."""
    previous = None
    for minute, dn in enumerate(dns):
        link = _link(source_id, dn, minute)
        StoreLinks(store=store).put(link, previous)
        previous = link


def _olds(store: SqliteLinkStore, since: datetime | None = None) -> list[tuple[str, str, str]]:
    return [(r.source_id, r.old, r.new) for r in renames_since(store, since)]


def test_a_link_written_at_another_dn_keeps_the_old_dn() -> None:
    with SqliteLinkStore.in_memory() as store:
        _move(store, "u1", "uid=a,o=x", "uid=b,o=x", "uid=c,o=x")
        assert _olds(store) == [("u1", "uid=a,o=x", "uid=c,o=x"), ("u1", "uid=b,o=x", "uid=c,o=x")]
        # Only the renames after the time given: the first one was at minute 1.
        assert _olds(store, T0 + timedelta(minutes=1)) == [("u1", "uid=b,o=x", "uid=c,o=x")]


def test_no_rename_is_recorded_for_a_new_link_a_same_dn_or_a_plan() -> None:
    with SqliteLinkStore.in_memory() as store:
        _move(store, "u1", "uid=a,o=x", "UID=A, o=X")  # the same DN in another spelling
        StoreLinks(store=store).put(_link("u2", "uid=n,o=x", 0))
        NoLinks().put(_link("u3", "uid=p2,o=x", 1), _link("u3", "uid=p1,o=x", 0))
        assert _olds(store) == []
        assert store.get_watermark(renamed_key("u1")) is None


def test_the_oldest_dns_go_past_the_kept_count() -> None:
    with SqliteLinkStore.in_memory() as store:
        dns = [f"uid=n{n},o=x" for n in range(KEPT_RENAMES + 3)]
        _move(store, "u1", *dns)
        olds = [old for _, old, _ in _olds(store)]
        assert olds == dns[2:-1]


def test_an_old_dn_another_live_member_holds_now_is_left_out() -> None:
    """The value is the other member's now: the groups holding it keep it."""
    with SqliteLinkStore.in_memory() as store:
        _move(store, "u1", "uid=a,o=x", "uid=b,o=x")
        store.put(_link("u2", "uid=a,o=x", 5))
        assert _olds(store) == []
        store.put(_link("u2", "uid=a,o=x", 6, LinkState.DELETED))
        assert _olds(store) == [("u1", "uid=a,o=x", "uid=b,o=x")]


def test_a_deleted_members_renames_are_not_returned() -> None:
    """A deleted member's values leave the groups (the deleted sweep), none is added."""
    with SqliteLinkStore.in_memory() as store:
        _move(store, "u1", "uid=a,o=x", "uid=b,o=x")
        store.put(_link("u1", "uid=b,o=x", 3, LinkState.DELETED))
        assert _olds(store) == []
