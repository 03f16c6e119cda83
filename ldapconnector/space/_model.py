"""The values the link store keeps: links, watermarks and imported objects."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import attrs

from ldapconnector.anchors import Anchor

__all__ = ["ImportedObject", "Intent", "Link", "LinkState", "Watermark", "utc_now"]

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (the store's clock)."""
    return datetime.now(UTC)


def _non_empty(_instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must be a non-empty string, got {value!r}")


def _aware(_instance: object, attribute: attrs.Attribute[Any], value: datetime) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"{attribute.name} must be a timezone-aware datetime, got {value!r}")


def _sha256_or_none(_instance: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or not _SHA256_HEX.fullmatch(value)):
        raise ValueError(f"{attribute.name} must be a lower-case SHA-256 hex digest or None")


class LinkState(enum.Enum):
    """The state of a linked directory entry, as last confirmed by the directory."""

    ACTIVE = "active"
    DISABLED = "disabled"
    DELETED = "deleted"


@attrs.frozen(kw_only=True)
class Link:
    """One source user tied to one directory entry.

    Written only after the directory confirmed the operation that made it true (the add,
    rename, disable or delete succeeded): a crash between the write and the link leaves
    a link that is stale, never one that is ahead of the directory.

    Attributes:
        source_id: the source's immutable id of the user (the record's ``id``).
        anchor: the entry's anchor (rename-safe unless its kind is ``dn``).
        dn: the entry's DN as last confirmed by the directory.
        state: active, disabled or deleted.
        attributes_hash: :func:`attributes_hash` of the attributes last written, or
            None when unknown (a link made by correlation before any write).
        updated: when the link was last written (timezone-aware).
    """

    source_id: str = attrs.field(validator=_non_empty)
    anchor: Anchor = attrs.field(validator=attrs.validators.instance_of(Anchor))
    dn: str = attrs.field(validator=_non_empty)
    state: LinkState = attrs.field(
        default=LinkState.ACTIVE, validator=attrs.validators.instance_of(LinkState)
    )
    attributes_hash: str | None = attrs.field(default=None, validator=_sha256_or_none)
    updated: datetime = attrs.field(factory=utc_now, validator=_aware)


@attrs.frozen(kw_only=True)
class Watermark:
    """Where a run profile's last delta import stopped.

    Attributes:
        profile: the run profile (and scope) the watermark belongs to, an opaque key such
            as ``"delta_import"``.
        value: the opaque position in the server's change source (an accesslog
            ``entryCSN``, a ``changeNumber``, a USN, a syncrepl cookie ...).
        taken_at: when the position was read from the server (timezone-aware).
    """

    profile: str = attrs.field(validator=_non_empty)
    value: str = attrs.field(validator=attrs.validators.instance_of(str))
    taken_at: datetime = attrs.field(factory=utc_now, validator=_aware)


def _token_set(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _tokens(_instance: object, attribute: attrs.Attribute[Any], value: frozenset[str]) -> None:
    if not value or not all(isinstance(token, str) and token.isalnum() for token in value):
        raise ValueError(f"{attribute.name} must be a non-empty set of alphanumeric tokens")


@attrs.frozen(kw_only=True)
class Intent:
    """An add the export is about to send, recorded durably before it is sent.

    If the process dies between the directory's confirmation and the link commit, the
    next run finds the intent still open, reads ``dn`` and links the entry when it is the
    one this add made (it carries every token of ``fingerprint``), else drops the intent.

    Attributes:
        source_id: the record's id (one open intent per source id).
        dn: the DN the add creates.
        fingerprint: one digest per value the add carries (not passwords): what
            identifies the entry the add made, without keeping its values in the store.
        attributes_hash: the hash the link of the created entry will carry.
        created: when the intent was recorded (timezone-aware).
    """

    source_id: str = attrs.field(validator=_non_empty)
    dn: str = attrs.field(validator=_non_empty)
    fingerprint: frozenset[str] = attrs.field(converter=_token_set, validator=_tokens)
    attributes_hash: str | None = attrs.field(default=None, validator=_sha256_or_none)
    created: datetime = attrs.field(factory=utc_now, validator=_aware)


def _freeze_values(values: Mapping[str, Sequence[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({name: tuple(found) for name, found in values.items()})


@attrs.frozen(kw_only=True)
class ImportedObject:
    """What a full import recorded about one entry, for export correlation.

    Attributes:
        anchor: the entry's anchor.
        dn: its DN at import time.
        matching_values: the values of the matching attributes (names and values as the
            server returned them); lookups are case-insensitive on both.
    """

    anchor: Anchor
    dn: str
    matching_values: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=_freeze_values, hash=False
    )
