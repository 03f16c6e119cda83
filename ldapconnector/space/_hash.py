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


def _canonical(
    attributes: Mapping[str, AttributeValue | Sequence[AttributeValue] | None],
) -> dict[str, list[_JsonValue]]:
    merged: dict[str, dict[str, _JsonValue]] = {}
    for name, raw in attributes.items():
        for value in _values(raw):
            encoded = _encode(value)
            sort_key = json.dumps(encoded, sort_keys=True, ensure_ascii=False)
            merged.setdefault(name.strip().lower(), {})[sort_key] = encoded
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
