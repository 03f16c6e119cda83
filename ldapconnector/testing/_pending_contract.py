"""The pending-member part of the link-store contract (group members not provisioned yet).

Part of :class:`~ldapconnector.testing.link_store_contract.LinkStoreContract`: every
backend keeps, per group, the member source ids that have no link yet (docs/groups.md).
"""

from __future__ import annotations

import pytest

from ldapconnector.space import LinkStore

__all__ = ["PendingMembersContract"]


class PendingMembersContract:
    """The pending-member methods every link store has."""

    def test_pending_members_are_replaced_per_group_and_listed(self, store: LinkStore) -> None:
        """Each group's pending members are replaced as a set; an empty set clears the group."""
        assert store.pending_members("g1") == ()
        store.put_pending_members("g1", ["u9", "u2", "u9"])
        store.put_pending_members("g2", ["u3"])
        assert store.pending_members("g1") == ("u2", "u9")
        assert list(store.iter_pending_groups()) == ["g1", "g2"]
        store.put_pending_members("g1", [])
        assert store.pending_members("g1") == ()
        assert list(store.iter_pending_groups()) == ["g2"]

    def test_pending_members_roll_back_with_their_batch(self, store: LinkStore) -> None:
        """Inside a batch that fails, the pending members written are rolled back too."""
        store.put_pending_members("g1", ["u1"])

        def write_then_fail() -> None:
            with store.batch():
                store.put_pending_members("g1", ["u2"])
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            write_then_fail()
        assert store.pending_members("g1") == ("u1",)
