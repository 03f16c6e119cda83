"""The source record's control keys and how to read them (docs/provisioning.md).

A record is one JSON object per user: ``id`` (the source's immutable id), the source
attributes, and two control keys that steer the flow and are never attributes:
``isSoftDeleted`` (the disable flow) and ``@deleted`` (the delete flow).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "CONTROL_KEYS",
    "DELETED_KEY",
    "SOFT_DELETED_KEY",
    "SOURCE_ID_KEY",
    "is_flag_set",
    "source_id_of",
]

SOURCE_ID_KEY = "id"
"""The record's immutable source id."""

SOFT_DELETED_KEY = "isSoftDeleted"
"""True sends the record through the disable flow."""

DELETED_KEY = "@deleted"
"""True sends the record through the delete flow."""

CONTROL_KEYS = frozenset({SOFT_DELETED_KEY, DELETED_KEY})
"""Keys that steer the flow and are never attributes; the ``id`` is readable as ``[id]``."""


def source_id_of(record: Mapping[str, object]) -> str | None:
    """The record's ``id`` as text, or None when it has none (or an unusable one)."""
    value = record.get(SOURCE_ID_KEY)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def is_flag_set(record: Mapping[str, object], key: str) -> bool:
    """Whether a control key is true (``true`` or the text ``"true"``, any case)."""
    value = record.get(key)
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
