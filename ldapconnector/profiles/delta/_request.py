"""What one delta import is asked to do, as one frozen value the runner receives."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ldapconnector.anchors import AnchorStrategy
from ldapconnector.detect import DeltaSource, as_delta_source
from ldapconnector.errors import InvalidRequestError
from ldapconnector.profiles.delta._sources import ReaderRegistry
from ldapconnector.profiles.delta._watermark import DELTA_WATERMARK_KEY
from ldapconnector.profiles.export import MemberResolver
from ldapconnector.space import LinkStore

__all__ = ["DEFAULT_DELTA_BATCH_SIZE", "DeltaImportRequest"]

DEFAULT_DELTA_BATCH_SIZE = 500
"""Log entries per acknowledged batch unless the caller asks for another size."""


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _optional_strings(values: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def _positive(_request: object, _attribute: object, value: int) -> None:
    if value < 1:
        raise InvalidRequestError(f"batch_size must be >= 1, got {value}")


@attrs.frozen(kw_only=True)
class DeltaImportRequest:
    """One delta import: which source, what is in scope, where the watermark lives.

    Attributes:
        source: the change source (``ServerInfo.delta_source`` or the configuration).
        store: the link store holding the watermark (and the connector space the
            acknowledgements keep current).
        bases: where the configured objects live; changes elsewhere are not reported.
        anchor_strategy: the configured anchor (the kind the records carry).
        profile_key: the watermark's key in the store.
        change_log_dn: the log's DN (``cn=accesslog``, ``cn=changelog``); the source's
            default (:data:`~ldapconnector.profiles.delta.READER_SPECS`) when None.
        object_class: the configured structural class; None for any.
        ignore_actors: bind DNs whose writes are not reported (the connector's own).
        batch_size: log entries per batch (per acknowledgement), at least 1.
        reset: forget the stored watermark and establish a new one (after a full import).
        implied_overlays: accesslog only: the overlays whose unlogged writes are re-read
            (``memberof``, ``refint``; None: both, ``()``: none). See ``_implied.py``.
        readers: the registry ``source`` is looked up in; None: the shipped readers.
        members: for a group type, resolves member values to the members' source ids
            through the members' link store; with it, the records that touch the
            membership attribute carry ``membership`` (docs/groups.md). None: not set.

    Raises:
        InvalidRequestError: ``batch_size`` is below 1.
    """

    source: DeltaSource = attrs.field(converter=as_delta_source)
    store: LinkStore
    bases: tuple[str, ...] = attrs.field(converter=_strings)
    anchor_strategy: AnchorStrategy
    profile_key: str = DELTA_WATERMARK_KEY
    change_log_dn: str | None = None
    object_class: str | None = None
    ignore_actors: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    batch_size: int = attrs.field(default=DEFAULT_DELTA_BATCH_SIZE, validator=_positive)
    reset: bool = False
    implied_overlays: tuple[str, ...] | None = attrs.field(
        default=None, converter=_optional_strings
    )
    readers: ReaderRegistry | None = None
    members: MemberResolver | None = None
