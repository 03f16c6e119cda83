"""The anchor-strategy contract: tests every anchor strategy passes, built-in or plug-in.

An :class:`~ldapconnector.anchors.AnchorStrategy` promises that its codec is a faithful
round trip between the server's value and one canonical string, that every spelling it
accepts gives that string, and that what it refuses is refused as a value error (one
entry or record fails, never the run). A strategy's test suite subclasses
:class:`AnchorStrategyContract` and provides three fixtures:

* ``strategy``: the strategy under test (one that reads an attribute: not ``dn``);
* ``directory_values``: values as the server returns them (``str`` or ``bytes``), of
  different entries;
* ``malformed_values``: values the codec must refuse (wrong length, wrong characters).

For example, for the example plug-in of :mod:`ldapconnector.testing.anchor_plugin`::

    class TestEntryUuidHex(AnchorStrategyContract):
        @pytest.fixture(name="strategy")
        def fixture_strategy(self):
            return ENTRY_UUID_HEX
        ...

The class has no ``Test`` prefix, so pytest collects it only through a subclass.
Requires pytest. Whether the server finds the entry by the encoded value is for a test
against the server (``tests/anchors/test_anchor_plugin_openldap.py`` does it on slapd).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ldapconnector.anchors import Anchor, AnchorStrategy, anchor_of_entry, default_anchors
from ldapconnector.errors import InvalidRequestError
from ldapconnector.model import Entry

__all__ = ["AnchorStrategyContract"]


class AnchorStrategyContract:
    """What every anchor strategy does; subclass it and provide the three fixtures."""

    def test_the_strategy_registers(self, strategy: AnchorStrategy) -> None:
        """It goes into a registry under its kind's name (any case) beside the built-ins."""
        registry = default_anchors()
        if strategy.kind in registry:
            registry = registry.with_strategy(strategy, replace=True)
        else:
            registry = registry.with_strategy(strategy)
        assert registry.strategy(strategy.kind.value.upper()) is strategy

    def test_values_round_trip(
        self, strategy: AnchorStrategy, directory_values: Sequence[str | bytes]
    ) -> None:
        """decode, encode and decode again give the same canonical string, as normalize does."""
        assert directory_values, "give at least one directory value"
        for raw in directory_values:
            anchor = Anchor.from_directory(strategy, raw)
            again = Anchor.from_directory(strategy, anchor.to_directory_value())
            assert again == anchor
            assert again.value == anchor.value
            assert strategy.codec.normalize(anchor.value) == anchor.value
            assert Anchor.parse(strategy, anchor.value) == anchor
            assert isinstance(anchor.to_directory_value(), bytes if strategy.binary else str)

    def test_different_entries_have_different_anchors(
        self, strategy: AnchorStrategy, directory_values: Sequence[str | bytes]
    ) -> None:
        """Distinct values stay distinct, also compared ignoring case (as links compare)."""
        anchors = [Anchor.from_directory(strategy, raw) for raw in directory_values]
        assert len({anchor.key for anchor in anchors}) == len(set(directory_values))

    def test_the_filter_names_the_attribute_escaped(
        self, strategy: AnchorStrategy, directory_values: Sequence[str | bytes]
    ) -> None:
        """The lookup is one search on the strategy's attribute with the encoded value."""
        for raw in directory_values:
            anchor = Anchor.from_directory(strategy, raw)
            search_filter = anchor.search_filter()
            assert search_filter.startswith(f"({strategy.attribute}=")
            assert search_filter.count("(") == 1  # every special character escaped
            assert anchor.lookup_plan("dc=example").attributes == strategy.search_attributes

    def test_an_entry_gives_its_anchor(
        self, strategy: AnchorStrategy, directory_values: Sequence[str | bytes]
    ) -> None:
        """An entry read with the attribute carries the anchor its value decodes to."""
        for raw in directory_values:
            entry = Entry(dn="cn=contract,dc=example", attributes={strategy.attribute: (raw,)})
            assert Anchor.from_directory(strategy, raw) == anchor_of_entry(entry, strategy)

    def test_malformed_values_are_refused(
        self, strategy: AnchorStrategy, malformed_values: Sequence[str | bytes]
    ) -> None:
        """A value the codec refuses is an InvalidRequestError, and an entry without anchor."""
        for raw in malformed_values:
            with pytest.raises(InvalidRequestError):
                Anchor.from_directory(strategy, raw)
            entry = Entry(dn="cn=contract,dc=example", attributes={strategy.attribute: (raw,)})
            assert anchor_of_entry(entry, strategy) is None
