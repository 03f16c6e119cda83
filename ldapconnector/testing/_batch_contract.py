"""The batch lookup part of the link-store contract (:class:`~ldapconnector.space.LinksBySource`).

Optional for a backend: :func:`~ldapconnector.space.links_by_source` falls back to one
lookup per source id. A backend that offers it subclasses :class:`LinksBySourceContract`
too, with the same ``store`` fixture.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.space import Link, LinksBySource, LinkState, LinkStore, links_by_source

__all__ = ["LinksBySourceContract"]

_T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


def _link(n: int, state: LinkState = LinkState.ACTIVE) -> Link:
    anchor = Anchor.from_directory(AnchorKind.ENTRY_UUID, f"00000000-0000-0000-0000-{n:012d}")
    return Link(source_id=f"u{n}", anchor=anchor, dn=f"uid=u{n},dc=x", state=state, updated=_T0)


class LinksBySourceContract:
    """The batch lookup of links by source id."""

    def test_links_are_found_by_source_id_in_one_call(self, store: LinkStore) -> None:
        """Every state is found (a deleted member is told apart by its state); unknown ids
        and repeats are fine; more ids than one query's chunk are all answered."""
        assert isinstance(store, LinksBySource)
        links = [_link(n) for n in range(1200)]
        with store.batch():
            for link in links:
                store.put(link)
            store.put(_link(1200, LinkState.DELETED))
        wanted = [f"u{n}" for n in range(1201)] + ["unknown", "u7"]
        found = store.links_by_source(wanted)
        assert found == {link.source_id: link for link in [*links, _link(1200, LinkState.DELETED)]}
        assert links_by_source(store, ["u3", "nobody"]) == {"u3": links[3]}
        assert store.links_by_source([]) == {}
