"""Anchors read back from a store: a stored kind name and canonical value -> ``Anchor``."""

from __future__ import annotations

import attrs

from ldapconnector.anchors import (
    Anchor,
    AnchorRegistry,
    AnchorStrategy,
    default_anchors,
    installed_anchors,
)
from ldapconnector.space._store import LinkStoreError

__all__ = ["StoredAnchors"]


@attrs.define
class StoredAnchors:
    """Rebuilds the anchors a link store keeps, with the strategy of each kind.

    Attributes:
        registry: the strategies to read kinds with; None: the built-ins, and the first
            time a stored kind is not built in, :func:`installed_anchors` (read once, so
            a store of built-in kinds never scans the entry points).
    """

    registry: AnchorRegistry | None = None
    _known: dict[str, AnchorStrategy] = attrs.field(factory=dict, init=False, repr=False)

    def anchor(self, kind: str, value: str) -> Anchor:
        """The anchor of a stored row (its kind's name and canonical value).

        Raises:
            LinkStoreError: no strategy in use knows the kind (its plug-in is missing).
        """
        strategy = self._known.get(kind)
        if strategy is None:
            strategy = self._known[kind] = self._strategy(kind)
        return Anchor(kind=strategy.kind, value=value, strategy=strategy)

    def _strategy(self, kind: str) -> AnchorStrategy:
        found = (self.registry or default_anchors()).get(kind)
        if found is None and self.registry is None:
            self.registry = installed_anchors()
            found = self.registry.get(kind)
        if found is None:
            names = ", ".join((self.registry or default_anchors()).names)
            raise LinkStoreError(
                f"the link store holds anchors of kind {kind!r}, which none of the anchor "
                f"strategies in use ({names}) knows: install its plug-in, or open the store "
                "with anchors= a registry that has its AnchorStrategy"
            )
        return found
