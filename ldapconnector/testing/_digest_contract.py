"""The link-store contract's part on the export's digests of users found in line.

:class:`~ldapconnector.testing.link_store_contract.LinkStoreContract` includes
:class:`DigestContract`, so every backend keeps the digests: without them an export still
works, but plans every unchanged user in full. Requires pytest.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

import pytest

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.space import Link, LinkStore

__all__ = ["DigestContract", "ReconciledDigestStore", "digests_of"]

_LINK = Link(
    source_id="u1",
    anchor=Anchor.parse(AnchorKind.ENTRY_UUID, "597ae2f6-16a6-1027-98f4-d28b5365dc14"),
    dn="uid=a,dc=x",
    updated=datetime(2024, 5, 1, tzinfo=UTC),
)


@runtime_checkable
class ReconciledDigestStore(Protocol):
    """The digest methods the export uses when a store has them (checked at run time)."""

    def reconciled_digests(self) -> dict[str, str]:
        """Every recorded digest by source id."""
        ...

    def put_reconciled_digests(self, digests: Mapping[str, str | None]) -> None:
        """Record digests (None forgets one), inside the caller's batch when one is open."""
        ...


def digests_of(store: LinkStore) -> ReconciledDigestStore:
    """``store`` as a digest store; fails the test when it keeps no digests."""
    assert isinstance(store, ReconciledDigestStore), f"{type(store).__name__} keeps no digests"
    return store


class DigestContract:
    """The digest methods every link store has; part of ``LinkStoreContract``."""

    def test_reconciled_digests_are_recorded_replaced_and_forgotten(self, store: LinkStore) -> None:
        """Digests read back by source id; a new one replaces the old, None forgets one."""
        digests = digests_of(store)
        assert digests.reconciled_digests() == {}
        digests.put_reconciled_digests({"u1": "ab12", "u2": "cd34", "u3": "ef56"})
        assert digests.reconciled_digests() == {"u1": "ab12", "u2": "cd34", "u3": "ef56"}
        digests.put_reconciled_digests({"u1": "0000", "u2": None, "nobody": None})
        assert digests.reconciled_digests() == {"u1": "0000", "u3": "ef56"}
        digests.put_reconciled_digests({})
        assert digests.reconciled_digests() == {"u1": "0000", "u3": "ef56"}

    def test_many_digests_in_one_call(self, store: LinkStore) -> None:
        """A whole run's digests (more than one fetch) are written and read back."""
        digests = digests_of(store)
        written = {f"u{number:05d}": f"{number:040x}" for number in range(1500)}
        with store.batch():
            digests.put_reconciled_digests(written)
        assert digests.reconciled_digests() == written

    def test_digests_roll_back_with_the_links_of_their_batch(self, store: LinkStore) -> None:
        """Digests are transactional with the links: a failed batch undoes both."""
        digests = digests_of(store)
        digests.put_reconciled_digests({"u1": "ab12"})

        def write_then_fail() -> None:
            with store.batch():
                store.put(_LINK)
                digests.put_reconciled_digests({"u1": None, "u2": "cd34"})
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            write_then_fail()
        assert store.get_by_source("u1") is None
        assert digests.reconciled_digests() == {"u1": "ab12"}
