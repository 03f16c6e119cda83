"""Frozen search results, and the one small step that builds them from raw values.

Reads are where the time goes (FIELD_NOTES: ldap3 spends most of a search building its
case-insensitive dicts), so :func:`entry_from_raw` works on ldap3's *raw* attributes
(bytes) and nothing else; a faster decoder can replace it without touching callers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

__all__ = ["DEFAULT_BINARY_ATTRIBUTES", "Entry", "Value", "entry_from_raw"]

Value = str | bytes

# Attributes whose values are binary on the servers we know, whatever bytes they hold: a
# GUID may happen to be valid UTF-8, so "decodes as UTF-8" is no test of being text.
DEFAULT_BINARY_ATTRIBUTES: frozenset[str] = frozenset(
    name.lower()
    for name in (
        "objectGUID",
        "objectSid",
        "GUID",
        "jpegPhoto",
        "photo",
        "thumbnailPhoto",
        "userCertificate",
        "cACertificate",
        "certificateRevocationList",
        "authorityRevocationList",
        "crossCertificatePair",
        "userSMIMECertificate",
        "userPKCS12",
        "audio",
        "msExchMailboxGuid",
        "msDS-GenerationId",
        "mS-DS-ConsistencyGuid",
        "sIDHistory",
        "tokenGroups",
        "nTSecurityDescriptor",
        "unicodePwd",
        "logonHours",
        "replUpToDateVector",
        "repsFrom",
        "repsTo",
        "dSASignature",
        "msDS-ReplAttributeMetaData",
    )
)


@attrs.frozen
class Entry:
    """One directory entry as read from the server.

    Attributes:
        dn: the entry's distinguished name as the server returned it.
        attributes: attribute name (as the server spelled it) -> values; text values are
            ``str``, binary ones ``bytes``. Treat it as read-only.
    """

    dn: str
    attributes: Mapping[str, tuple[Value, ...]]

    def get(self, name: str) -> tuple[Value, ...]:
        """Return the values of an attribute, matching its name case-insensitively.

        Returns an empty tuple when the entry has no such attribute.
        """
        values = self.attributes.get(name)
        if values is not None:
            return values
        wanted = name.lower()
        for key, found in self.attributes.items():
            if key.lower() == wanted:
                return found
        return ()

    def first(self, name: str) -> Value | None:
        """Return the first value of an attribute (case-insensitive name), or None."""
        values = self.get(name)
        return values[0] if values else None

    def texts(self, name: str) -> tuple[str, ...]:
        """Return the values of an attribute as text (bytes decoded as UTF-8, replacing)."""
        return tuple(
            v if isinstance(v, str) else v.decode("utf-8", "replace") for v in self.get(name)
        )


def _is_binary(name: str, binary_attributes: frozenset[str]) -> bool:
    lowered = name.lower()
    # RFC 4522: the ";binary" transfer option always means raw bytes.
    if ";binary" in lowered:
        return True
    return lowered.split(";", 1)[0] in binary_attributes


def _decode_values(raw: Iterable[bytes]) -> tuple[Value, ...]:
    decoded: list[Value] = []
    for value in raw:
        try:
            decoded.append(value.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(value)
    return tuple(decoded)


def entry_from_raw(
    dn: str,
    raw_attributes: Mapping[str, Iterable[bytes]],
    binary_attributes: frozenset[str] = DEFAULT_BINARY_ATTRIBUTES,
) -> Entry:
    """Build an :class:`Entry` from raw attribute values.

    Args:
        dn: the entry DN.
        raw_attributes: attribute name -> raw values as sent by the server.
        binary_attributes: lower-case names whose values stay ``bytes``; any other value
            is decoded as UTF-8 and kept as ``bytes`` only when it is not valid UTF-8.
    """
    attributes: dict[str, tuple[Value, ...]] = {}
    for name, raw in raw_attributes.items():
        if _is_binary(name, binary_attributes):
            attributes[name] = tuple(raw)
        else:
            attributes[name] = _decode_values(raw)
    return Entry(dn, attributes)
