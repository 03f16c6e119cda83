"""What every delta-import reader provides, and the error that asks for a full import.

A reader knows one kind of change source (:class:`~ldapconnector.detect.DeltaSource`). Its
position in that source is a small JSON-able *state* (an accesslog ``entryCSN``, a
changelog ``changeNumber``, a USN with the server's ``invocationId``, a timestamp): the
runner stores it, as the link store's :class:`~ldapconnector.space.Watermark` value, and
hands it back on the next run. A reader answers four questions:

* :meth:`ChangeReader.baseline` — where the source is *now* (the first run stores it and
  replays nothing);
* :meth:`ChangeReader.check` — does the source still reach back to a stored state? If not
  (log purged or trimmed, another server, a reset log) it raises
  :class:`FullImportRequiredError`;
* :meth:`ChangeReader.read` — the log items after a state, in log order, each with the
  state to resume *after* it (items that decode to nothing still move the state on);
* :attr:`ChangeReader.deletes_covered` — whether deletes are seen at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from ldapconnector.anchors import AnchorKind
from ldapconnector.connection import LdapConnection
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import ConfigurationError, FullImportRequiredError
from ldapconnector.profiles.delta._changes import ChangeRecord

__all__ = [
    "ChangeReader",
    "DeletesProbe",
    "FullImportRequiredError",
    "ImpliesChanges",
    "LogItem",
    "ReaderState",
    "require_anchor_kind",
]

ReaderState = Mapping[str, Any]
"""A reader's position: JSON-serialisable names and values (strings, ints, booleans)."""


def require_anchor_kind(kind: AnchorKind, carried: tuple[AnchorKind, ...], source: str) -> None:
    """Refuse an anchor kind a change source cannot name its entries by.

    Args:
        kind: the configured anchor kind.
        carried: the kinds the source names entries by (in the order messages list them).
        source: how messages name the source.

    Raises:
        ConfigurationError: naming the kinds the source carries.
    """
    if kind not in carried:
        names = " or ".join(anchor.value for anchor in carried)
        raise ConfigurationError(
            [f"object_type.anchor: {source} names entries by {names}, not {kind.value}"]
        )


@attrs.frozen(kw_only=True)
class LogItem:
    """One entry of a change source as a reader read it.

    Attributes:
        record: the decoded change, or None for a log entry that is no user change.
        state: the reader's state *after* this entry: where to resume once it is handled.
    """

    record: ChangeRecord | None
    state: ReaderState


class ChangeReader(Protocol):
    """One kind of change source (see the module docstring)."""

    @property
    def source(self) -> DeltaSource:
        """The kind of source this reader reads."""
        ...

    @property
    def deletes_covered(self) -> bool:
        """Whether the source reports deletes (False for timestamps)."""
        ...

    def baseline(self, connection: LdapConnection) -> ReaderState:
        """The state at the source's current end (a first run's watermark)."""
        ...

    def check(self, connection: LdapConnection, state: ReaderState) -> None:
        """Raise :class:`FullImportRequiredError` when ``state`` cannot be resumed."""
        ...

    def read(self, connection: LdapConnection, state: ReaderState) -> Iterator[LogItem]:
        """The items after ``state``, in the order the changes were made."""
        ...


@runtime_checkable
class DeletesProbe(Protocol):
    """A reader whose deletes depend on the account's rights (AD tombstones)."""

    def deletes_visible(self, connection: LdapConnection) -> bool:
        """Tell whether the bound account can see deletes (warn when it cannot)."""
        ...


@runtime_checkable
class ImpliesChanges(Protocol):
    """A reader whose logged changes imply unlogged ones (accesslog: memberof, refint)."""

    def implied(
        self, connection: LdapConnection, records: Sequence[ChangeRecord]
    ) -> tuple[ChangeRecord, ...]:
        """The records of the unlogged changes ``records`` imply, read now (same batch)."""
        ...
