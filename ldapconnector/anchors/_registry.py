"""``AnchorRegistry``: the anchor strategies in use, one immutable value, looked up by name.

``default_anchors()`` holds the built-in rows (:data:`ANCHOR_STRATEGIES`);
``with_strategy`` returns a new registry with one more, so nothing a plug-in adds reaches
a caller that did not ask for it. Everything that turns a kind's *name* into a strategy
(``[object_type] anchor``, the link store reading its rows, the SCIM bridge reading a
resource id) looks it up in the registry it was given.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

import attrs

from ldapconnector.anchors._anchor import Anchor
from ldapconnector.anchors._kind import DN_ALIASES, AnchorKind
from ldapconnector.anchors._strategy import ANCHOR_STRATEGIES, AnchorStrategy
from ldapconnector.errors import ConfigurationError

__all__ = ["AnchorRegistry", "default_anchors"]


def _table(strategies: Iterable[AnchorStrategy]) -> Mapping[str, AnchorStrategy]:
    table: dict[str, AnchorStrategy] = {}
    for strategy in strategies:
        key = strategy.kind.value.casefold()
        if key in table:
            raise ConfigurationError(
                [f"anchors: two strategies for the anchor kind {strategy.kind.value!r}"]
            )
        table[key] = strategy
    if "dn" not in table:
        raise ConfigurationError(["anchors: a registry needs the built-in dn strategy"])
    return MappingProxyType(table)


# eq=False: registries compare (and hash) by identity, like FunctionRegistry.
@attrs.frozen(eq=False)
class AnchorRegistry:
    """An immutable set of anchor strategies, looked up by kind name ignoring case.

    The name is the kind's (``entryUUID``; for the built-ins, the attribute's), as written
    in ``[object_type] anchor`` and in the link store; ``dn``, ``-dn-`` and
    ``_distinguishedName`` all name the DN::

        anchors = default_anchors().with_strategy(ENTRY_UUID_HEX)
        anchors.strategy("entryuuidhex") is ENTRY_UUID_HEX        # True

    Args:
        strategies: the rows, in the order messages list them; two for one kind are
            refused, and the built-in ``dn`` row must be among them.

    Raises:
        ConfigurationError: two rows name one kind, or the ``dn`` row is missing.
    """

    _table: Mapping[str, AnchorStrategy] = attrs.field(converter=_table, alias="strategies")

    def get(self, name: AnchorKind | str) -> AnchorStrategy | None:
        """The strategy of the kind ``name`` (any case, any DN spelling), or None."""
        text = name.value if isinstance(name, AnchorKind) else str(name)
        folded = text.strip().casefold()
        return self._table.get("dn" if folded in DN_ALIASES else folded)

    def strategy(self, name: AnchorKind | str) -> AnchorStrategy:
        """The strategy of the kind ``name``.

        Raises:
            ConfigurationError: no strategy of that name; the message suggests the
                closest registered name and lists them all.
        """
        found = self.get(name)
        if found is None:
            raise ConfigurationError([f"anchors: {self.unknown(str(name))}"])
        return found

    def unknown(self, name: str) -> str:
        """The sentence that refuses ``name``: a did-you-mean and the registered names."""
        close = difflib.get_close_matches(name.casefold(), list(self._table), n=1, cutoff=0.6)
        hint = f'did you mean "{self._table[close[0]].kind.value}"? ' if close else ""
        choices = ", ".join(f'"{known}"' for known in self.names)
        return (
            f'"{name}" is not an anchor kind this connector can encode; {hint}'
            f"choose one of {choices} (or register an AnchorStrategy for it: see "
            "docs/extending.md)"
        )

    @property
    def names(self) -> tuple[str, ...]:
        """The kinds' names, in registration order (the built-ins first)."""
        return tuple(strategy.kind.value for strategy in self._table.values())

    @property
    def kinds(self) -> tuple[AnchorKind, ...]:
        """The kinds, in registration order."""
        return tuple(strategy.kind for strategy in self._table.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, AnchorKind | str) and self.get(name) is not None

    def __iter__(self) -> Iterator[AnchorStrategy]:
        return iter(self._table.values())

    def __len__(self) -> int:
        return len(self._table)

    def with_strategy(self, strategy: AnchorStrategy, *, replace: bool = False) -> AnchorRegistry:
        """A new registry holding these strategies and ``strategy``.

        Args:
            strategy: the strategy to add.
            replace: allow ``strategy`` to replace the strategy of its kind (a built-in
                kind's codec, say); without it a clash is an error, so a plug-in cannot
                silently change how existing links are read. The ``dn`` row is never
                replaced: the DN is handled by name throughout.

        Raises:
            ConfigurationError: a strategy of that kind exists and ``replace`` is False,
                or ``strategy`` is for ``dn``.
        """
        if not isinstance(strategy, AnchorStrategy):
            raise ConfigurationError([f"anchors: {strategy!r} is not an AnchorStrategy"])
        key = strategy.kind.value.casefold()
        if key == "dn":
            raise ConfigurationError(["anchors: the dn strategy cannot be replaced"])
        if key in self._table and not replace:
            raise ConfigurationError(
                [f"anchors: an anchor strategy for {strategy.kind.value!r} is registered "
                 "already; pass replace=True to replace it"]
            )  # fmt: skip
        rows = {**self._table, key: strategy}
        return AnchorRegistry(rows.values())

    def parse(self, kind: AnchorKind | str, text: str) -> Anchor:
        """An anchor of a registered kind from a textual spelling (see :meth:`Anchor.parse`).

        Raises:
            ConfigurationError: no strategy of that kind.
            InvalidRequestError: the text does not have the kind's form.
        """
        return Anchor.parse(self.strategy(kind), text)

    def from_directory(self, kind: AnchorKind | str, raw_value: str | bytes) -> Anchor:
        """An anchor of a registered kind from a server's value (:meth:`Anchor.from_directory`).

        Raises:
            ConfigurationError: no strategy of that kind.
            InvalidRequestError: the value does not have the kind's form.
        """
        return Anchor.from_directory(self.strategy(kind), raw_value)


_DEFAULT_ANCHORS = AnchorRegistry(ANCHOR_STRATEGIES.values())


def default_anchors() -> AnchorRegistry:
    """The built-in anchor strategies (:data:`ANCHOR_STRATEGIES`), as one registry."""
    return _DEFAULT_ANCHORS
