"""THE built-in anchor strategies table: one row per built-in kind of anchor.

Every fact the connector needs about an anchor kind is a row here (STYLE.md: decisions as
data): the attribute, whether its values are binary, whether it survives renames, which
codec reads and writes it, and whether the server can find an entry by it through an
extended DN (``<GUID=...>``, MS-ADTS 3.1.1.3.1.2.4). ``docs/anchors.md`` describes the same
rows; ``tests/anchors`` checks the two agree. A kind this table lacks is one more
:class:`AnchorStrategy`, added to an :class:`~ldapconnector.anchors.AnchorRegistry`.
"""

from __future__ import annotations

import re
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
from ldapconnector.anchors._fast import FAST_BY_CODEC, FastDecode
from ldapconnector.anchors._kind import DN_ALIASES, AnchorKind, as_anchor_kind
from ldapconnector.detect import Vendor
from ldapconnector.errors import ConfigurationError

__all__ = [
    "ANCHOR_STRATEGIES",
    "DN_ALIASES",
    "AnchorKind",
    "AnchorStrategy",
    "strategy_for",
    "supports_guid_base_dn",
]

# An attribute type's name (RFC 4512 descr) or numeric OID.
_ATTRIBUTE = re.compile(r"[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+")


def _check_attribute(instance: AnchorStrategy, _attribute: object, value: str) -> None:
    is_dn = instance.kind == AnchorKind.DN
    if is_dn and value != "dn":
        raise ConfigurationError([f"anchors: the dn strategy reads the DN, not {value!r}"])
    if not is_dn and (not isinstance(value, str) or not _ATTRIBUTE.fullmatch(value)):
        raise ConfigurationError(
            [f"anchors: anchor kind {instance.kind.value!r}: attribute {value!r} is not an "
             "attribute type name or OID"]
        )  # fmt: skip


def _fast_path(strategy: AnchorStrategy) -> FastDecode | None:
    return FAST_BY_CODEC.get(strategy.codec)


@attrs.frozen(kw_only=True)
class AnchorStrategy:
    """How one kind of anchor is read, written and searched.

    The built-in rows are :data:`ANCHOR_STRATEGIES`; a plug-in builds one for a kind the
    table lacks (an in-house attribute, another canonical form of a server's UUID) and adds
    it to an :class:`~ldapconnector.anchors.AnchorRegistry`.

    Attributes:
        kind: the anchor kind (a built-in name gives the built-in constant).
        attribute: the LDAP attribute holding the anchor (``"dn"`` for the DN, which no
            attribute holds: it comes with every entry). For the built-in kinds it is the
            kind's name; a plug-in's kind may read an attribute under another name.
        binary: the directory value is an octet string (sent and received as ``bytes``).
        rename_safe: the value survives renames and moves (False only for ``dn``).
        operational: an operational attribute, returned only when asked for by name
            (RFC 4512 section 3.4), so searches must request it.
        guid_base_dn: the server can use ``<GUID=...>`` as a search base (AD DS, AD LDS,
            Samba; MS-ADTS 3.1.1.3.1.2.4).
        form: the canonical string form, for messages and documentation.
        source: the specification that defines the attribute and its encoding.
        codec: the conversions between directory values and the canonical string.

    Raises:
        ConfigurationError: the attribute is not an attribute type's name or OID.
    """

    kind: AnchorKind = attrs.field(converter=as_anchor_kind)
    attribute: str = attrs.field(validator=_check_attribute)
    binary: bool
    rename_safe: bool
    operational: bool
    guid_base_dn: bool = False
    form: str = ""
    source: str = ""
    codec: AnchorCodec = attrs.field(repr=False)
    # The built-in shortcut of this codec (``_fast.py``), found once, not per entry.
    _fast: FastDecode | None = attrs.field(
        init=False, repr=False, eq=False,
        default=attrs.Factory(_fast_path, takes_self=True),
    )  # fmt: skip

    @property
    def search_attributes(self) -> tuple[str, ...]:
        """The attributes a search must request to read this anchor (none for ``dn``)."""
        return () if self.kind == AnchorKind.DN else (self.attribute,)


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

#: The built-in strategies table, keyed by kind, in the order of ``AnchorKind.builtins()``.
ANCHOR_STRATEGIES: Mapping[AnchorKind, AnchorStrategy] = MappingProxyType(
    {strategy.kind: strategy for strategy in _STRATEGIES}
)

# Servers that resolve ``<GUID=...>`` as a search base (MS-ADTS 3.1.1.3.1.2.4); Samba AD DC
# is reported as AD DS.
_GUID_BASE_DN_VENDORS = frozenset({Vendor.AD_DS, Vendor.AD_LDS})


def strategy_for(kind: AnchorKind | str) -> AnchorStrategy:
    """Return the built-in strategy of an anchor kind, given as the kind or its name.

    ``default_anchors().strategy(kind)`` is the same look-up; a registry with plug-ins
    also knows theirs.

    Raises:
        ConfigurationError: the name is not a built-in anchor kind (the message lists them).
    """
    strategy = ANCHOR_STRATEGIES.get(AnchorKind.of(kind))
    if strategy is None:
        names = ", ".join(f'"{k.value}"' for k in AnchorKind.builtins())
        raise ConfigurationError(
            [f"anchors: {kind!s} is not a built-in anchor kind; the built-in kinds are {names}"]
        )
    return strategy


def supports_guid_base_dn(vendor: Vendor) -> bool:
    """Whether a server resolves ``<GUID=...>`` as a search base (AD DS, AD LDS, Samba)."""
    return vendor in _GUID_BASE_DN_VENDORS
