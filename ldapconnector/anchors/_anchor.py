"""The :class:`Anchor` value and the :class:`LookupPlan` that finds its entry in one search."""

from __future__ import annotations

import attrs

from ldapconnector.anchors._fast import FAST_CANONICAL
from ldapconnector.anchors._strategy import (
    ANCHOR_STRATEGIES,
    AnchorKind,
    AnchorStrategy,
)
from ldapconnector.errors import InvalidRequestError
from ldapconnector.escaping import equality_filter
from ldapconnector.model import Entry, SearchScope

__all__ = ["Anchor", "LookupPlan", "anchor_of_entry"]

_PRESENCE_FILTER = "(objectClass=*)"


@attrs.frozen(kw_only=True)
class LookupPlan:
    """The single search that finds the entry an anchor names.

    A resolver sends exactly this one request (one round trip) and expects at most one
    entry back; none means the entry is gone (or, for a ``dn`` anchor, was renamed).

    Attributes:
        base_dn: the search base: the entry's DN, ``<GUID=...>``, or the partition.
        scope: :attr:`SearchScope.BASE` when the base names the entry itself, otherwise
            :attr:`SearchScope.SUBTREE`.
        search_filter: an RFC 4515 filter with the anchor value escaped.
        attributes: the attributes to request so the anchor can be read back (the
            resolver adds the ones it needs).
    """

    base_dn: str
    scope: SearchScope
    search_filter: str
    attributes: tuple[str, ...]


def _check_canonical(instance: Anchor, _attribute: attrs.Attribute[str], value: str) -> None:
    canonical = ANCHOR_STRATEGIES[instance.kind].codec.normalize(value)
    if canonical != value:
        raise InvalidRequestError(
            f"{instance.kind.value} anchor {value!r} is not in canonical form "
            f"{canonical!r}; build it with Anchor.parse or Anchor.from_directory"
        )


@attrs.frozen(kw_only=True)
class Anchor:
    """The immutable identifier of a directory entry: a kind and its canonical string.

    Hashable and usable as a dict key; this is what the link store keeps. Values compare
    case-insensitively (UUID forms are lower case anyway; DNs compare as most servers do).
    Build one with :meth:`from_directory` (a value the server returned) or :meth:`parse`
    (a string a person or a file gave); the constructor accepts only the canonical form.

    Attributes:
        kind: the anchor kind.
        value: the canonical string: a lower-case GUID/UUID string for ``objectGUID``,
            ``GUID`` and ``entryUUID`` (RFC 4530), ``xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx``
            for ``nsUniqueId``, the DN for ``dn``.

    >>> a = Anchor.from_directory(AnchorKind.OBJECT_GUID, bytes(range(16)))
    >>> a.value
    '03020100-0504-0706-0809-0a0b0c0d0e0f'
    >>> a.search_filter()
    '(objectGUID=\\\\00\\\\01\\\\02\\\\03\\\\04\\\\05\\\\06\\\\07\\\\08\\\\09\\\\0a\\\\0b\\\\0c\\\\0d\\\\0e\\\\0f)'
    >>> a.base_dn_form()
    '<GUID=03020100-0504-0706-0809-0a0b0c0d0e0f>'
    """

    kind: AnchorKind = attrs.field(validator=attrs.validators.instance_of(AnchorKind))
    value: str = attrs.field(
        eq=str.casefold,
        validator=[attrs.validators.instance_of(str), _check_canonical],
    )

    @classmethod
    def from_directory(cls, kind: AnchorKind | str, raw_value: str | bytes) -> Anchor:
        """Build an anchor from the value a server returned for the anchor attribute.

        Args:
            kind: the anchor kind (or its attribute name).
            raw_value: ``bytes`` for ``objectGUID``/``GUID`` (16 octets in the server's
                byte order); the string (or its ASCII bytes) for the textual kinds; the
                entry DN for ``dn``.

        Raises:
            InvalidRequestError: the value does not have the kind's form.
            ValueError: ``kind`` names no anchor kind.
        """
        anchor_kind = AnchorKind(kind)
        fast = FAST_CANONICAL.get(anchor_kind)
        canonical = fast(raw_value) if fast is not None else None
        if canonical is not None:
            return _canonical_anchor(anchor_kind, canonical)
        value = ANCHOR_STRATEGIES[anchor_kind].codec.decode(raw_value)
        return cls(kind=anchor_kind, value=value)

    @classmethod
    def parse(cls, kind: AnchorKind | str, text: str) -> Anchor:
        """Build an anchor from a textual spelling (any case, GUIDs optionally in braces).

        Raises:
            InvalidRequestError: the text does not have the kind's form.
            ValueError: ``kind`` names no anchor kind.
        """
        anchor_kind = AnchorKind(kind)
        return cls(kind=anchor_kind, value=ANCHOR_STRATEGIES[anchor_kind].codec.normalize(text))

    @property
    def strategy(self) -> AnchorStrategy:
        """The strategy of this anchor's kind."""
        return ANCHOR_STRATEGIES[self.kind]

    @property
    def attribute(self) -> str:
        """The attribute holding the anchor (``"dn"`` for the DN)."""
        return self.strategy.attribute

    @property
    def key(self) -> str:
        """A string naming the anchor uniquely, case-folded (``entryUUID:597ae2f6-...``)."""
        return f"{self.kind.value}:{self.value.casefold()}"

    def to_directory_value(self) -> str | bytes:
        """The value as the server stores it: ``bytes`` for binary kinds, else ``str``."""
        return self.strategy.codec.encode(self.value)

    def search_filter(self) -> str:
        """An RFC 4515 equality filter for the anchor, every special byte escaped.

        Binary values are escaped octet by octet (``\\5c``, ``\\00``, ``\\0a`` ...), so no
        byte of a GUID can end or widen the filter. A ``dn`` anchor has no attribute to
        filter on: it returns ``(objectClass=*)``, meant for a base search at the DN.
        """
        if self.kind is AnchorKind.DN:
            return _PRESENCE_FILTER
        return equality_filter(self.attribute, self.to_directory_value())

    def base_dn_form(self, *, hex_form: bool = False) -> str | None:
        """The ``<GUID=...>`` extended DN for AD kinds (MS-ADTS 3.1.1.3.1.2.4), else None.

        Args:
            hex_form: use the hexadecimal octet-string form (the objectGUID bytes in
                stored order), which every AD DC accepts, instead of the dashed string
                form, which Windows Server 2003 and later (and Samba) accept.
        """
        if not self.strategy.guid_base_dn:
            return None
        if hex_form:
            raw = self.to_directory_value()  # bytes: only binary GUID kinds get here
            octets = raw if isinstance(raw, bytes) else raw.encode("ascii")
            return f"<GUID={octets.hex()}>"
        return f"<GUID={self.value}>"

    def lookup_plan(self, search_base: str, *, guid_base_dn: bool = True) -> LookupPlan:
        """The one search that finds this anchor's entry.

        Args:
            search_base: where to search for kinds found by filter: the partition (naming
                context) or container the objects live under. Ignored for ``dn`` anchors
                and for ``<GUID=...>`` lookups, whose base names the entry itself.
            guid_base_dn: the server resolves ``<GUID=...>`` bases (see
                :func:`supports_guid_base_dn`); when False an ``objectGUID`` anchor is
                found with an escaped binary filter instead.
        """
        attributes = self.strategy.search_attributes
        if self.kind is AnchorKind.DN:
            return LookupPlan(
                base_dn=self.value,
                scope=SearchScope.BASE,
                search_filter=_PRESENCE_FILTER,
                attributes=attributes,
            )
        extended = self.base_dn_form() if guid_base_dn else None
        if extended is not None:
            return LookupPlan(
                base_dn=extended,
                scope=SearchScope.BASE,
                search_filter=_PRESENCE_FILTER,
                attributes=attributes,
            )
        return LookupPlan(
            base_dn=search_base,
            scope=SearchScope.SUBTREE,
            search_filter=self.search_filter(),
            attributes=attributes,
        )

    def __str__(self) -> str:
        return f"{self.kind.value}={self.value}"


def _canonical_anchor(kind: AnchorKind, value: str) -> Anchor:
    """An anchor whose value is canonical by construction (:data:`FAST_CANONICAL`).

    Skips the constructor's check, which would parse the value again (two ``uuid.UUID``
    objects per anchor on the full import's hot path) only to find it canonical.
    """
    anchor = object.__new__(Anchor)
    object.__setattr__(anchor, "kind", kind)
    object.__setattr__(anchor, "value", value)
    return anchor


def anchor_of_entry(entry: Entry, strategy: AnchorStrategy) -> Anchor | None:
    """The anchor an entry read from the directory carries, or None when it has none.

    The one place that reads an anchor off an entry: the DN for ``dn`` anchors, else the
    strategy's attribute decoded by its codec. An entry without the attribute, or whose
    value the codec refuses (a GUID of the wrong length, ...), has no usable anchor.
    """
    if strategy.kind is AnchorKind.DN:
        return Anchor.from_directory(AnchorKind.DN, entry.dn)
    raw = entry.first(strategy.attribute)
    if raw is None:
        return None
    fast = FAST_CANONICAL.get(strategy.kind)
    canonical = fast(raw) if fast is not None else None
    if canonical is not None:
        return _canonical_anchor(strategy.kind, canonical)
    try:
        return Anchor.from_directory(strategy.kind, raw)
    except InvalidRequestError:
        return None
