"""THE anchor strategies table: one row per kind of anchor.

Every fact the connector needs about an anchor kind is a row here (STYLE.md: decisions as
data): the attribute, whether its values are binary, whether it survives renames, which
codec reads and writes it, and whether the server can find an entry by it through an
extended DN (``<GUID=...>``, MS-ADTS 3.1.1.3.1.2.4). ``docs/anchors.md`` describes the same
rows; ``tests/anchors`` checks the two agree.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from ldapconnector.anchors._codecs import (
    DN_CODEC,
    EDIRECTORY_GUID_CODEC,
    ENTRY_UUID_CODEC,
    IBM_ENTRY_UUID_CODEC,
    NS_UNIQUE_ID_CODEC,
    OBJECT_GUID_CODEC,
    AnchorCodec,
)
from ldapconnector.detect import Vendor
from ldapconnector.dn import DN_PSEUDO_ATTRIBUTE

__all__ = [
    "ANCHOR_STRATEGIES",
    "DN_ALIASES",
    "AnchorKind",
    "AnchorStrategy",
    "strategy_for",
    "supports_guid_base_dn",
]

#: Spellings that select the DN as the anchor: ``dn``, ECMA2Host's ``-dn-`` (the mapping
#: target) and ``_distinguishedName`` (its query attribute), compared case-insensitively.
DN_ALIASES: frozenset[str] = frozenset({"dn", DN_PSEUDO_ATTRIBUTE, "_distinguishedname"})


class AnchorKind(enum.Enum):
    """The kinds of anchor; each value is the attribute name detection recommends.

    ``AnchorKind("objectguid")`` finds a kind case-insensitively, and the DN spellings of
    :data:`DN_ALIASES` all give :attr:`DN`.
    """

    DN = "dn"
    OBJECT_GUID = "objectGUID"
    EDIRECTORY_GUID = "GUID"
    ENTRY_UUID = "entryUUID"
    NS_UNIQUE_ID = "nsUniqueId"
    IBM_ENTRY_UUID = "ibm-entryUUID"

    @classmethod
    def _missing_(cls, value: object) -> AnchorKind | None:
        if not isinstance(value, str):
            return None
        folded = value.strip().lower()
        if folded in DN_ALIASES:
            return cls.DN
        for kind in cls:
            if kind.value.lower() == folded:
                return kind
        return None


@attrs.frozen(kw_only=True)
class AnchorStrategy:
    """How one kind of anchor is read, written and searched.

    Attributes:
        kind: the anchor kind.
        attribute: the LDAP attribute holding the anchor (``"dn"`` for the DN, which no
            attribute holds: it comes with every entry).
        binary: the directory value is an octet string (sent and received as ``bytes``).
        rename_safe: the value survives renames and moves (False only for ``dn``).
        operational: an operational attribute, returned only when asked for by name
            (RFC 4512 section 3.4), so searches must request it.
        guid_base_dn: the server can use ``<GUID=...>`` as a search base (AD DS, AD LDS,
            Samba; MS-ADTS 3.1.1.3.1.2.4).
        form: the canonical string form, for messages and documentation.
        source: the specification that defines the attribute and its encoding.
        codec: the conversions between directory values and the canonical string.
    """

    kind: AnchorKind
    attribute: str
    binary: bool
    rename_safe: bool
    operational: bool
    guid_base_dn: bool
    form: str
    source: str
    codec: AnchorCodec = attrs.field(repr=False)

    @property
    def search_attributes(self) -> tuple[str, ...]:
        """The attributes a search must request to read this anchor (none for ``dn``)."""
        return () if self.kind is AnchorKind.DN else (self.attribute,)


_UUID_FORM = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"

_STRATEGIES = (
    AnchorStrategy(
        kind=AnchorKind.DN,
        attribute="dn",
        binary=False,
        rename_safe=False,
        operational=False,
        guid_base_dn=False,
        form="the DN as the server returns it (RFC 4514)",
        source="RFC 4514",
        codec=DN_CODEC,
    ),
    AnchorStrategy(
        kind=AnchorKind.OBJECT_GUID,
        attribute="objectGUID",
        binary=True,
        rename_safe=True,
        operational=False,
        guid_base_dn=True,
        form=f"{_UUID_FORM} (first three fields little-endian on the wire)",
        source="MS-ADTS 3.1.1.3.1.2.4, MS-DTYP 2.3.4",
        codec=OBJECT_GUID_CODEC,
    ),
    AnchorStrategy(
        kind=AnchorKind.EDIRECTORY_GUID,
        attribute="GUID",
        binary=True,
        rename_safe=True,
        # eDirectory returns GUID only when asked by name; it is requested by name anyway.
        operational=True,
        guid_base_dn=False,
        form=f"{_UUID_FORM} (octets in network order)",
        source="Novell NDK schema reference: GUID attribute",
        codec=EDIRECTORY_GUID_CODEC,
    ),
    AnchorStrategy(
        kind=AnchorKind.ENTRY_UUID,
        attribute="entryUUID",
        binary=False,
        rename_safe=True,
        operational=True,
        guid_base_dn=False,
        form=_UUID_FORM,
        source="RFC 4530",
        codec=ENTRY_UUID_CODEC,
    ),
    AnchorStrategy(
        kind=AnchorKind.NS_UNIQUE_ID,
        attribute="nsUniqueId",
        binary=False,
        rename_safe=True,
        operational=True,
        guid_base_dn=False,
        form="xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx",
        source="389 Directory Server / ODSEE schema",
        codec=NS_UNIQUE_ID_CODEC,
    ),
    AnchorStrategy(
        kind=AnchorKind.IBM_ENTRY_UUID,
        attribute="ibm-entryUUID",
        binary=False,
        rename_safe=True,
        operational=True,
        guid_base_dn=False,
        form=f"{_UUID_FORM} (other tokens kept verbatim)",
        source="IBM Security Directory Server schema",
        codec=IBM_ENTRY_UUID_CODEC,
    ),
)

#: The strategies table, keyed by kind, in the order of :class:`AnchorKind`.
ANCHOR_STRATEGIES: Mapping[AnchorKind, AnchorStrategy] = MappingProxyType(
    {strategy.kind: strategy for strategy in _STRATEGIES}
)

# Servers that resolve ``<GUID=...>`` as a search base (MS-ADTS 3.1.1.3.1.2.4); Samba AD DC
# is reported as AD DS.
_GUID_BASE_DN_VENDORS = frozenset({Vendor.AD_DS, Vendor.AD_LDS})


def strategy_for(kind: AnchorKind | str) -> AnchorStrategy:
    """Return the strategy of an anchor kind, given as the enum or its attribute name.

    Raises:
        ValueError: the name is not an anchor kind.
    """
    return ANCHOR_STRATEGIES[AnchorKind(kind)]


def supports_guid_base_dn(vendor: Vendor) -> bool:
    """Whether a server resolves ``<GUID=...>`` as a search base (AD DS, AD LDS, Samba)."""
    return vendor in _GUID_BASE_DN_VENDORS
