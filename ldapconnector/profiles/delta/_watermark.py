"""The stored form of a delta import's position: one JSON watermark per profile key.

The value is compact JSON with sorted keys, the source among them:
``{"anchored":true,"csn":"…","source":"accesslog"}``. A value that is not such an object,
or names another source, cannot be resumed: the run asks for a full import.
"""

from __future__ import annotations

import json

from ldapconnector.detect import DeltaSource
from ldapconnector.errors import DetectionError, FullImportRequiredError
from ldapconnector.profiles.delta._reader import ReaderState
from ldapconnector.space import Watermark

__all__ = [
    "DELTA_WATERMARK_KEY",
    "decode_watermark",
    "encode_watermark",
    "watermark_source",
]

DELTA_WATERMARK_KEY = "delta_import"
"""The link store key of the delta import's watermark (``profile_key``'s default)."""


def encode_watermark(source: DeltaSource, state: ReaderState) -> str:
    """The stored form of a reader state: compact JSON, keys sorted, with the source."""
    return json.dumps({"source": source.value, **state}, separators=(",", ":"), sort_keys=True)


def watermark_source(stored: Watermark | None) -> DeltaSource | None:
    """The source a stored delta watermark belongs to, or None (none, or unreadable)."""
    if stored is None:
        return None
    try:
        value = json.loads(stored.value)
        return DeltaSource.of(value["source"]) if isinstance(value, dict) else None
    except (ValueError, KeyError, DetectionError):
        return None


def decode_watermark(source: DeltaSource, value: str) -> ReaderState:
    """The reader state in a stored watermark.

    Raises:
        FullImportRequiredError: the value is not ours or belongs to another source.
    """
    try:
        state = json.loads(value)
    except ValueError:
        state = None
    if not isinstance(state, dict):
        raise FullImportRequiredError(f"the stored watermark is not a delta state: {value!r}")
    found = state.pop("source", None)
    if found != source.value:
        raise FullImportRequiredError(
            f"the stored watermark belongs to the {found!r} source, not {source.value!r}"
        )
    return state
