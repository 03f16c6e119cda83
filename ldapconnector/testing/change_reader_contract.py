"""The change-reader contract: tests every delta-import reader passes, built-in or plug-in.

A reader (``ldapconnector.profiles.delta.ChangeReader``) promises at-least-once delivery
from a resumable state, and gap detection. A reader's test suite subclasses
:class:`ChangeReaderContract` and provides four fixtures:

* ``reader``: the reader under test, configured for a server the suite runs;
* ``connection``: a bound ``LdapConnection`` that may read the reader's source;
* ``make_changes``: a callable ``make_changes(n)`` that makes ``n`` changes to ``n``
  different in-scope entries, one after the other (each one later than the last);
* ``unresumable_state``: a state the reader must refuse with
  :class:`~ldapconnector.errors.FullImportRequiredError` (a purged position, another
  server's), or None when the source has no gaps to detect (timestamps).

For example, for the shipped accesslog reader on the throwaway slapd::

    class TestAccesslogReader(ChangeReaderContract):
        @pytest.fixture(name="reader")
        def fixture_reader(self): ...

The class has no ``Test`` prefix, so pytest collects it only through a subclass.
Requires pytest. The reader's own guarantees beyond these (renames, deletes, implied
changes) are for its own tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from ldapconnector.errors import FullImportRequiredError

__all__ = ["ChangeReaderContract", "MakeChanges"]

MakeChanges = Callable[[int], None]
"""Makes ``n`` changes to ``n`` different in-scope entries, in order."""


def _changes(reader: Any, connection: Any, state: Mapping[str, Any]) -> list[Any]:
    """The items read after ``state`` that carry a record (a change to deliver)."""
    return [item for item in reader.read(connection, state) if item.record is not None]


def _json_round_trip(state: Mapping[str, Any]) -> Mapping[str, Any]:
    """The state as the link store keeps it: through JSON and back."""
    loaded: Mapping[str, Any] = json.loads(json.dumps(dict(state)))
    return loaded


class ChangeReaderContract:
    """What every change reader does; subclass it and provide the four fixtures."""

    def test_a_baseline_is_resumable_and_reads_nothing(self, reader: Any, connection: Any) -> None:
        """The first run's state survives JSON, passes the check, and replays nothing."""
        state = _json_round_trip(reader.baseline(connection))
        reader.check(connection, state)
        assert _changes(reader, connection, state) == []

    def test_changes_after_a_state_are_read_in_order(
        self, reader: Any, connection: Any, make_changes: MakeChanges
    ) -> None:
        """Each change made after the baseline is read, in order, with a record and a state."""
        state = _json_round_trip(reader.baseline(connection))
        make_changes(3)
        items = _changes(reader, connection, state)
        assert len(items) >= 3
        dns = [item.record.dn for item in items]
        assert len(set(dns[-3:])) == 3  # three different entries, the latest last
        for item in items:
            reader.check(connection, _json_round_trip(item.state))

    def test_a_state_after_the_last_item_reads_nothing_more(
        self, reader: Any, connection: Any, make_changes: MakeChanges
    ) -> None:
        """Acknowledged changes are not delivered again (the state moves past them)."""
        state = _json_round_trip(reader.baseline(connection))
        make_changes(2)
        items = list(reader.read(connection, state))
        assert items
        assert _changes(reader, connection, _json_round_trip(items[-1].state)) == []

    def test_an_unacknowledged_state_delivers_again(
        self, reader: Any, connection: Any, make_changes: MakeChanges
    ) -> None:
        """At least once: reading again from the same state gives the same changes again."""
        state = _json_round_trip(reader.baseline(connection))
        make_changes(2)
        first = [item.record.dn for item in _changes(reader, connection, state)]
        again = [item.record.dn for item in _changes(reader, connection, state)]
        assert again == first

    def test_resuming_from_the_middle_loses_nothing(
        self, reader: Any, connection: Any, make_changes: MakeChanges
    ) -> None:
        """Resuming after the first item delivers every later change (none lost)."""
        state = _json_round_trip(reader.baseline(connection))
        make_changes(3)
        items = _changes(reader, connection, state)
        rest = _changes(reader, connection, _json_round_trip(items[0].state))
        assert [item.record.dn for item in rest] == [item.record.dn for item in items[1:]]

    def test_an_unresumable_state_asks_for_a_full_import(
        self, reader: Any, connection: Any, unresumable_state: Mapping[str, Any] | None
    ) -> None:
        """Gap detection: a state the source cannot resume raises FullImportRequiredError."""
        if unresumable_state is None:
            pytest.skip("this source has no gaps to detect")
        with pytest.raises(FullImportRequiredError):
            reader.check(connection, unresumable_state)
