"""Which link an export writes, and where it goes: the link store, or nowhere (a plan).

The record exporter decides the link with the two pure functions below (None: the stored
link says it already, so nothing is written) and hands it to a :class:`LinkWriter`. An
export writes through :class:`StoreLinks`; a plan gets :class:`NoLinks`, so a plan links
nothing without the engine asking whether it is planning.

A create goes through the writer twice: :meth:`LinkWriter.intend` records the add before
it is sent (committed at once), :meth:`LinkWriter.settle` closes it with the new link, or
without one when the add was refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

import attrs

from ldapconnector.anchors import Anchor
from ldapconnector.mapping import DesiredEntry
from ldapconnector.profiles.export._member_renames import record_rename
from ldapconnector.space import Intent, Link, LinkState, LinkStore, attributes_hash

__all__ = ["LinkWriter", "NoLinks", "StoreLinks", "current_link", "marked_link"]


class LinkWriter(Protocol):
    """Where the record exporter's links go."""

    def put(self, link: Link, previous: Link | None = None) -> None:
        """Write (or replace) the link of ``link.source_id`` (``previous``: the one stored)."""
        ...

    def intend(self, intent: Intent) -> None:
        """Record an add about to be sent, durably (it must outlive a crash)."""
        ...

    def settle(self, source_id: str, link: Link | None) -> None:
        """Close the source id's intent, writing ``link`` with it (None: nothing was added)."""
        ...


@attrs.frozen(kw_only=True)
class StoreLinks:
    """Writes links to the link store (an export).

    Attributes:
        store: the link store.
    """

    store: LinkStore

    def put(self, link: Link, previous: Link | None = None) -> None:
        """Write the link to the store (inside the runner's batch transaction).

        A link whose DN differs from ``previous`` records the old DN with it, for the
        groups that hold it (:mod:`~ldapconnector.profiles.export._member_renames`).
        """
        record_rename(self.store, previous, link)
        self.store.put(link)

    def intend(self, intent: Intent) -> None:
        """Commit the intent (and the batch so far) before the add is sent."""
        self.store.put_intent(intent)

    def settle(self, source_id: str, link: Link | None) -> None:
        """Close the intent with the link, in the runner's batch transaction."""
        self.store.resolve_intent(source_id, link)


@attrs.frozen(kw_only=True)
class NoLinks:
    """Writes no link (a plan)."""

    def put(self, link: Link, previous: Link | None = None) -> None:
        """Do nothing: a plan leaves the link store as it was."""

    def intend(self, intent: Intent) -> None:
        """Do nothing: a plan sends no add."""

    def settle(self, source_id: str, link: Link | None) -> None:
        """Do nothing: a plan has no intent to close."""


def current_link(
    source_id: str, anchor: Anchor, dn: str, desired: DesiredEntry, held: Link | None
) -> Link | None:
    """The active link for an entry just made or updated, None when ``held`` says it all.

    Args:
        source_id: the record's id.
        anchor: the entry's anchor.
        dn: the entry's DN after the operations.
        desired: the mapped record (its attributes' hash is kept in the link).
        held: the record's stored link, if any.
    """
    digest = attributes_hash(desired.attributes)
    if held is not None and (held.anchor, held.dn, held.state, held.attributes_hash) == (
        anchor, dn, LinkState.ACTIVE, digest,
    ):  # fmt: skip
        return None
    return Link(source_id=source_id, anchor=anchor, dn=dn, attributes_hash=digest)


def marked_link(link: Link, state: LinkState, dn: str) -> Link | None:
    """``link`` in a new state (disabled, deleted) at ``dn``; None when it is so already."""
    if link.state is state and link.dn == dn:
        return None
    return attrs.evolve(link, state=state, dn=dn, updated=datetime.now(UTC))
