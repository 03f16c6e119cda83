"""A deterministic hash of the attributes written to an entry.

The export runner stores it in the link so that an unchanged user costs no LDAP request:
same hash, nothing to write. The hash is SHA-256 over a canonical JSON form in which
attribute names are lower-cased (LDAP names are case-insensitive, RFC 4512 section 2.5),
values are de-duplicated and sorted (LDAP values are a set), bytes are base64, and an
attribute with no values is the same as an absent one. Value case is kept: changing
``Simon`` to ``simon`` is a change worth writing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring

__all__ = ["AttributeValue", "attributes_hash"]

#: One attribute value as the export writes it (``bool`` as the RFC 4517 ``TRUE``/``FALSE``).
AttributeValue = str | bytes | int | bool

_JsonValue = str | dict[str, str]


def _encode(value: AttributeValue) -> _JsonValue:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, str):
        return value
    raise TypeError(f"not an attribute value: {type(value).__name__}")


def _values(raw: AttributeValue | Sequence[AttributeValue] | None) -> list[AttributeValue]:
    if raw is None:
        return []
    if isinstance(raw, str | bytes | int):
        return [raw]
    return list(raw)


def _sort_key(encoded: _JsonValue) -> str:
    # The value's JSON text orders and de-duplicates it. For a string that text is what
    # json.dumps(..., ensure_ascii=False) gives through this very function, without
    # building an encoder per value (most of a hash's cost).
    if isinstance(encoded, str):
        return encode_basestring(encoded)
    return json.dumps(encoded, sort_keys=True, ensure_ascii=False)


def _canonical(
    attributes: Mapping[str, AttributeValue | Sequence[AttributeValue] | None],
) -> dict[str, list[_JsonValue]]:
    merged: dict[str, dict[str, _JsonValue]] = {}
    for name, raw in attributes.items():
        found = merged.setdefault(name.strip().lower(), {})
        for value in _values(raw):
            encoded = _encode(value)
            found[_sort_key(encoded)] = encoded
    return {name: [found[key] for key in sorted(found)] for name, found in merged.items() if found}


def attributes_hash(
    attributes: Mapping[str, AttributeValue | Sequence[AttributeValue] | None],
) -> str:
    """Return the SHA-256 hex digest of a normalized attribute mapping.

    Args:
        attributes: attribute name -> a value, a sequence of values, or None (absent).

    Raises:
        TypeError: a value is not ``str``, ``bytes``, ``int`` or ``bool``.

    >>> attributes_hash({"CN": ["b", "a"]}) == attributes_hash({"cn": ("a", "b", "a")})
    True
    >>> attributes_hash({"mail": None}) == attributes_hash({})
    True
    """
    document = json.dumps(
        _canonical(attributes), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(document.encode("utf-8")).hexdigest()
