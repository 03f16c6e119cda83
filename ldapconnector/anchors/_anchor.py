"""The :class:`Anchor` value and the :class:`LookupPlan` that finds its entry in one search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import attrs

from ldapconnector.anchors._fast import CANONICAL_TEXT_BY_CODEC
from ldapconnector.anchors._kind import AnchorKind, as_anchor_kind
from ldapconnector.anchors._strategy import ANCHOR_STRATEGIES, AnchorStrategy
from ldapconnector.errors import InvalidRequestError
from ldapconnector.escaping import equality_filter
from ldapconnector.model import Entry, SearchScope

__all__ = ["Anchor", "LookupPlan", "anchor_of_entry", "anchors_of_entries"]

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


def _builtin_strategy(kind: AnchorKind) -> AnchorStrategy:
    """The built-in strategy of ``kind``; a plug-in's kind needs its strategy given."""
    strategy = ANCHOR_STRATEGIES.get(kind)
    if strategy is None:
        raise InvalidRequestError(
            f"anchor kind {kind.value!r} is not built in: build its anchors with its "
            "strategy (AnchorRegistry.parse, or Anchor.parse(strategy, ...))"
        )
    return strategy


def _strategy_of(kind: AnchorKind | str | AnchorStrategy) -> AnchorStrategy:
    if isinstance(kind, AnchorStrategy):
        return kind
    return _builtin_strategy(AnchorKind.of(kind))


def _default_strategy(instance: Anchor) -> AnchorStrategy:
    return _builtin_strategy(instance.kind)


def _check_strategy(instance: Anchor, _attribute: object, strategy: AnchorStrategy) -> None:
    kind = instance.kind
    if not isinstance(strategy, AnchorStrategy) or (
        strategy.kind is not kind and strategy.kind != kind
    ):
        raise InvalidRequestError(
            f"anchor of kind {instance.kind.value!r} given the strategy of {strategy!r}"
        )


_T = TypeVar("_T")
_V = TypeVar("_V")


def _convert(strategy: AnchorStrategy, step: Callable[[_V], _T], value: _V) -> _T:
    """Run one of a codec's conversions; a plug-in's ValueError/TypeError is a refusal.

    The built-in codecs raise :class:`InvalidRequestError` themselves; a plug-in's codec
    may raise what ``uuid.UUID`` or ``int`` raise, and that must fail one entry or record
    (as a malformed value does), never the run.
    """
    try:
        return step(value)
    except (ValueError, TypeError) as error:
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        raise InvalidRequestError(
            f"not a valid {strategy.kind.value} value: {shown} ({error})"
        ) from None


def _check_canonical(instance: Anchor, _attribute: attrs.Attribute[str], value: str) -> None:
    # The value is checked by the strategy's codec: the strategy must be the kind's first.
    strategy = instance.strategy
    _check_strategy(instance, None, strategy)
    # A built-in codec's shortcut gives the canonical string of a text value (decode and
    # normalize agree on text): a value it returns unchanged is canonical, no uuid.UUID.
    fast = strategy._fast
    if fast is not None and fast(value) == value:
        return
    canonical = _convert(instance.strategy, instance.strategy.codec.normalize, value)
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
    The strategy comes along (it is not part of the identity): the built-in one of the
    kind by default; a plug-in's kind needs its strategy, which
    :meth:`AnchorRegistry.parse <ldapconnector.anchors.AnchorRegistry.parse>` and
    ``Anchor.parse(strategy, text)`` pass.

    Attributes:
        kind: the anchor kind (a built-in name gives the built-in constant).
        value: the canonical string: a lower-case GUID/UUID string for ``objectGUID``,
            ``GUID`` and ``entryUUID`` (RFC 4530), ``xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx``
            for ``nsUniqueId``, the DN for ``dn``; a plug-in's codec decides its own.
        strategy: how the anchor is encoded and searched (its kind's).

    >>> a = Anchor.from_directory(AnchorKind.OBJECT_GUID, bytes(range(16)))
    >>> a.value
    '03020100-0504-0706-0809-0a0b0c0d0e0f'
    >>> a.search_filter()
    '(objectGUID=\\\\00\\\\01\\\\02\\\\03\\\\04\\\\05\\\\06\\\\07\\\\08\\\\09\\\\0a\\\\0b\\\\0c\\\\0d\\\\0e\\\\0f)'
    >>> a.base_dn_form()
    '<GUID=03020100-0504-0706-0809-0a0b0c0d0e0f>'
    """

    kind: AnchorKind = attrs.field(
        converter=as_anchor_kind, validator=attrs.validators.instance_of(AnchorKind)
    )
    value: str = attrs.field(
        eq=str.casefold,
        validator=[attrs.validators.instance_of(str), _check_canonical],
    )
    strategy: AnchorStrategy = attrs.field(
        default=attrs.Factory(_default_strategy, takes_self=True),
        eq=False, repr=False,  # checked with the value, which it checks
    )  # fmt: skip

    @classmethod
    def from_directory(
        cls, kind: AnchorKind | str | AnchorStrategy, raw_value: str | bytes
    ) -> Anchor:
        """Build an anchor from the value a server returned for the anchor attribute.

        Args:
            kind: the anchor's strategy, or a built-in kind (or its name).
            raw_value: ``bytes`` for ``objectGUID``/``GUID`` (16 octets in the server's
                byte order); the string (or its ASCII bytes) for the textual kinds; the
                entry DN for ``dn``.

        Raises:
            InvalidRequestError: the value does not have the kind's form, or ``kind``
                names no built-in kind (a plug-in's kind: pass its strategy).
        """
        strategy = _strategy_of(kind)
        fast = strategy._fast
        canonical = fast(raw_value) if fast is not None else None
        if canonical is not None:
            return _canonical_anchor(strategy, canonical)
        value = _convert(strategy, strategy.codec.decode, raw_value)
        return cls(kind=strategy.kind, value=value, strategy=strategy)

    @classmethod
    def parse(cls, kind: AnchorKind | str | AnchorStrategy, text: str) -> Anchor:
        """Build an anchor from a textual spelling (any case, GUIDs optionally in braces).

        Args:
            kind: the anchor's strategy, or a built-in kind (or its name).
            text: the spelling.

        Raises:
            InvalidRequestError: the text does not have the kind's form, or ``kind`` names
                no built-in kind (a plug-in's kind: pass its strategy).
        """
        strategy = _strategy_of(kind)
        value = _convert(strategy, strategy.codec.normalize, text)
        return cls(kind=strategy.kind, value=value, strategy=strategy)

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
        return _convert(self.strategy, self.strategy.codec.encode, self.value)

    def search_filter(self) -> str:
        """An RFC 4515 equality filter for the anchor, every special byte escaped.

        Binary values are escaped octet by octet (``\\5c``, ``\\00``, ``\\0a`` ...), so no
        byte of a GUID can end or widen the filter. A ``dn`` anchor has no attribute to
        filter on: it returns ``(objectClass=*)``, meant for a base search at the DN.
        """
        if self.kind == AnchorKind.DN:
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
        if self.kind == AnchorKind.DN:
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


def _canonical_anchor(strategy: AnchorStrategy, value: str) -> Anchor:
    """An anchor whose value is canonical by construction (the built-in codecs' shortcut).

    Skips the constructor's check, which would parse the value again (two ``uuid.UUID``
    objects per anchor on the full import's hot path) only to find it canonical.
    """
    anchor = object.__new__(Anchor)
    object.__setattr__(anchor, "kind", strategy.kind)
    object.__setattr__(anchor, "value", value)
    object.__setattr__(anchor, "strategy", strategy)
    return anchor


def anchor_of_entry(entry: Entry, strategy: AnchorStrategy) -> Anchor | None:
    """The anchor an entry read from the directory carries, or None when it has none.

    The one place that reads an anchor off an entry: the DN for ``dn`` anchors, else the
    strategy's attribute decoded by its codec. An entry without the attribute, or whose
    value the codec refuses (a GUID of the wrong length, ...), has no usable anchor.
    """
    # Strategies hold the built-in constant of a built-in kind: ``is`` suffices here.
    if strategy.kind is AnchorKind.DN:
        return Anchor.from_directory(strategy, entry.dn)
    raw = entry.first(strategy.attribute)
    if raw is None:
        return None
    fast = strategy._fast
    canonical = fast(raw) if fast is not None else None
    if canonical is not None:
        return _canonical_anchor(strategy, canonical)
    try:
        return Anchor.from_directory(strategy, raw)
    except InvalidRequestError:
        return None


def _no_match(_text: str) -> None:
    return None


def anchors_of_entries(entries: Sequence[Entry], strategy: AnchorStrategy) -> list[Anchor | None]:
    """:func:`anchor_of_entry` of each entry, in order (a full import's page in one call).

    The built-in codecs' shortcut is taken inline: a page of a thousand entries would
    otherwise cost four Python calls per anchor (the anchor, the attribute's first value
    twice over, the canonical anchor). Any entry the shortcut does not settle goes
    through :func:`anchor_of_entry`, so the results are the same.
    """
    fast = strategy._fast
    if fast is None or strategy.kind is AnchorKind.DN:
        return [anchor_of_entry(entry, strategy) for entry in entries]
    name, kind = strategy.attribute, strategy.kind
    text = CANONICAL_TEXT_BY_CODEC.get(strategy.codec)
    is_canonical = text.fullmatch if text is not None else _no_match
    new, assign = object.__new__, object.__setattr__
    anchors: list[Anchor | None] = []
    for entry in entries:
        values = entry.attributes.get(name)
        if values:  # a canonical text is its own canonical form: no call for it
            value = values[0]
            canonical = value if type(value) is str and is_canonical(value) else fast(value)
        else:
            canonical = None
        if canonical is None:  # another spelling of the name, no value, not canonical
            anchors.append(anchor_of_entry(entry, strategy))
            continue
        anchor = new(Anchor)
        assign(anchor, "kind", kind)
        assign(anchor, "value", canonical)
        assign(anchor, "strategy", strategy)
        anchors.append(anchor)
    return anchors
