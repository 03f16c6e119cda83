"""``AnchorKind``: the name of a kind of anchor, an open value with the built-ins as constants."""

from __future__ import annotations

import re
from typing import ClassVar

import attrs

from ldapconnector.dn import DN_PSEUDO_ATTRIBUTE
from ldapconnector.errors import ConfigurationError

__all__ = ["DN_ALIASES", "AnchorKind", "as_anchor_kind"]

#: Spellings that select the DN as the anchor: ``dn``, ECMA2Host's ``-dn-`` (the mapping
#: target) and ``_distinguishedName`` (its query attribute), compared case-insensitively.
DN_ALIASES: frozenset[str] = frozenset({"dn", DN_PSEUDO_ATTRIBUTE, "_distinguishedname"})

# RFC 4512 section 1.4 ``descr`` (a letter, then letters, digits and hyphens): a kind is
# named like the attribute it reads, and the name is written into the link store.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")

_BUILTIN_NAMES = (
    ("DN", "dn"),
    ("OBJECT_GUID", "objectGUID"),
    ("EDIRECTORY_GUID", "GUID"),
    ("ENTRY_UUID", "entryUUID"),
    ("NS_UNIQUE_ID", "nsUniqueId"),
    ("IBM_ENTRY_UUID", "ibm-entryUUID"),
)
_BUILTIN_SPELLING = {value.casefold(): value for _, value in _BUILTIN_NAMES}


def _spelling(value: str) -> str:
    """The built-in spelling of a built-in name (any case, DN aliases), else ``value``."""
    if not isinstance(value, str):
        raise ConfigurationError([f"anchors: an anchor kind is named by a string, not {value!r}"])
    stripped = value.strip()
    folded = stripped.casefold()
    if folded in DN_ALIASES:
        return "dn"
    return _BUILTIN_SPELLING.get(folded, stripped)


def _check_name(_instance: object, _attribute: object, value: str) -> None:
    if not _NAME.fullmatch(value):
        raise ConfigurationError(
            [f"anchors: anchor kind {value!r}: must be an attribute name (a letter, then "
             "letters, digits and hyphens), as RFC 4512 names attribute types"]
        )  # fmt: skip


# cache_hash: every Anchor's hash includes its kind's (link-store look-ups, import sets).
@attrs.frozen(cache_hash=True)
class AnchorKind:
    """A kind of anchor, named like the attribute it reads: an open value.

    ``AnchorKind.DN`` ... ``AnchorKind.IBM_ENTRY_UUID`` are the built-in kinds (their
    ``value`` strings are what the link store and ``--json`` output hold); a plug-in's
    :class:`~ldapconnector.anchors.AnchorStrategy` names its own
    (``AnchorKind("entryUUIDHex")``). Names compare ignoring case, as attribute names do;
    a built-in name in any case, and every spelling of :data:`DN_ALIASES`, is stored in the
    built-in spelling, and :meth:`of` returns the built-in constant itself::

        AnchorKind("objectguid") == AnchorKind.OBJECT_GUID        # True
        AnchorKind.of("-dn-") is AnchorKind.DN                    # True

    Attributes:
        value: the kind's name (``entryUUID``).

    Raises:
        ConfigurationError: the name is not an attribute-type name (RFC 4512 ``descr``).
    """

    value: str = attrs.field(converter=_spelling, validator=_check_name, eq=str.casefold)

    DN: ClassVar[AnchorKind]
    OBJECT_GUID: ClassVar[AnchorKind]
    EDIRECTORY_GUID: ClassVar[AnchorKind]
    ENTRY_UUID: ClassVar[AnchorKind]
    NS_UNIQUE_ID: ClassVar[AnchorKind]
    IBM_ENTRY_UUID: ClassVar[AnchorKind]

    def __str__(self) -> str:
        return self.value

    @classmethod
    def builtins(cls) -> tuple[AnchorKind, ...]:
        """The built-in kinds, in the strategies table's order (``DN`` first)."""
        return _BUILTIN_KINDS

    @classmethod
    def of(cls, value: AnchorKind | str) -> AnchorKind:
        """Return the kind ``value`` names: the built-in constant when there is one."""
        if isinstance(value, AnchorKind) and id(value) in _BUILTIN_IDS:
            return value  # a constant itself: the common case, on every Anchor built
        kind = value if isinstance(value, AnchorKind) else cls(value)
        return _BY_NAME.get(kind.value.casefold(), kind)

    @property
    def is_builtin(self) -> bool:
        """Whether this is one of the kinds the built-in strategies table holds."""
        return self.value.casefold() in _BY_NAME


for _constant, _value in _BUILTIN_NAMES:
    setattr(AnchorKind, _constant, AnchorKind(_value))
_BUILTIN_KINDS: tuple[AnchorKind, ...] = tuple(
    getattr(AnchorKind, constant) for constant, _ in _BUILTIN_NAMES
)
_BY_NAME = {kind.value.casefold(): kind for kind in _BUILTIN_KINDS}
_BUILTIN_IDS = frozenset(id(kind) for kind in _BUILTIN_KINDS)


def as_anchor_kind(value: AnchorKind | str) -> AnchorKind:
    """Return the kind ``value`` names, the built-in constant when there is one."""
    return AnchorKind.of(value)
