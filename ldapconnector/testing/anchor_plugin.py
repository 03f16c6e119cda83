"""An anchor-strategy plug-in to test with: ``entryUUID`` kept as 32 upper-case hex digits.

:data:`ENTRY_UUID_HEX` is what an integrator's package would contribute through the
``ldapconnector.anchors`` entry-point group: a kind the built-in table lacks
(``entryUUIDHex``), reading an attribute every OpenLDAP, 389 DS and OpenDJ entry has
(RFC 4530 ``entryUUID``), with a canonical form of its own (the form some HR and identity
systems key users by) and the server's form in filters. Our tests plug it into a real
slapd; a downstream suite can use it to check that its code (a link store backend, a
report) handles anchor kinds it does not know::

    [project.entry-points."ldapconnector.anchors"]
    entry_uuid_hex = "ldapconnector.testing.anchor_plugin:ENTRY_UUID_HEX"
"""

from __future__ import annotations

import uuid

from ldapconnector.anchors import AnchorCodec, AnchorKind, AnchorStrategy

__all__ = ["ENTRY_UUID_HEX"]


def _hex(value: str | bytes) -> str:
    """Any spelling ``uuid.UUID`` reads (dashed, braces, 32 digits) -> 32 upper-case digits.

    A value it cannot read raises ``ValueError``, which the anchors layer turns into an
    ``InvalidRequestError`` naming the kind (that entry or record fails, not the run).
    """
    text = value.decode("ascii") if isinstance(value, bytes) else value
    return uuid.UUID(text.strip()).hex.upper()


def _rfc4530(canonical: str) -> str:
    """The server's form of the value (RFC 4530: the lower-case dashed RFC 4122 string)."""
    return str(uuid.UUID(canonical))


#: ``entryUUID`` as ``597AE2F616A6102798F4D28B5365DC14``; the server is sent
#: ``597ae2f6-16a6-1027-98f4-d28b5365dc14`` (filters, look-ups).
ENTRY_UUID_HEX = AnchorStrategy(
    kind=AnchorKind("entryUUIDHex"),
    attribute="entryUUID",
    binary=False,
    rename_safe=True,
    operational=True,
    form="32 upper-case hex digits (the entryUUID's octets)",
    source="RFC 4530 (the attribute); this module (the form)",
    codec=AnchorCodec(decode=_hex, encode=_rfc4530, normalize=_hex),
)
