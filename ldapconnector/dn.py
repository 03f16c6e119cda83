"""Distinguished names: parse, build and compare them (RFC 4514).

How this module works: :func:`parse_dn` splits a DN string into :class:`Rdn` values of
``(attribute type, value)`` pairs with every escape undone, most specific RDN first;
:meth:`Rdn.__str__` and :func:`format_dn` escape them back (RFC 4514 section 2.4, through
:func:`~ldapconnector.escaping.escape_dn_value`). :func:`normalize_dn` gives the form two
DNs are compared in: attribute types lower-cased, values case-folded with runs of spaces
collapsed (the caseIgnoreMatch rules of RFC 4518 that nearly every naming attribute
uses), multi-valued RDNs sorted, ``#hex`` values lower-cased. So ``CN=B Simon, DC=Contoso``
and ``cn=b  simon,dc=contoso`` are the same entry. :func:`dn_key` is the lenient form for
keys of tables (a string that is not a DN keys as its lower-cased text), and
:func:`is_within` tells whether a DN lies at or below a base, RDN by RDN (so an escaped
comma in a value never counts as a separator). This is the package's only DN code.
Pure: no I/O.
"""

from __future__ import annotations

import functools
import re

import attrs

from ldapconnector.errors import InvalidRequestError
from ldapconnector.escaping import escape_dn_value
from ldapconnector.model import shown_value

__all__ = [
    "DN_PSEUDO_ATTRIBUTE",
    "Rdn",
    "dn_equal",
    "dn_key",
    "format_dn",
    "is_within",
    "normalize_dn",
    "parent_dn",
    "parse_dn",
    "renamed_dn",
]

DN_PSEUDO_ATTRIBUTE = "-dn-"
"""The name Microsoft's ECMA2Host gives the DN where an attribute name is expected: the
mapping target that builds the DN and the anchor that is the DN."""

# RFC 4514 section 3: attributeType = descr / numericoid, then "=".
# Only spaces are tolerated around the type and "=" (RFC 4514 escapes every other character
# that matters; slapd keeps other whitespace, such as \x1e, as part of the value).
_TYPE = re.compile(r" *([A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+) *= *")
_HEX_VALUE = re.compile(r"#(?:[0-9A-Fa-f]{2})+")
_HEX_PAIR = re.compile(r"[0-9A-Fa-f]{2}")
_ESCAPABLE = frozenset(' "#+,;<=>\\')
_SPACES = re.compile(r"\s+")
# A DN of plain ``type=value`` pairs: no escape, no multi-valued RDN, no space to strip
# around a value, no "#" value. In printable ASCII without a run of spaces (dn_key maps
# other characters, U+00A0 to a space: RFC 4518 section 2.2), its normal form is its
# lower-cased self, so it needs no parsing.
_PLAIN_PAIR = r"[A-Za-z][A-Za-z0-9-]*=[^\s\\\"+,;<>=#](?:[^\\\"+,;<>=]*[^\s\\\"+,;<>=])?"
_PLAIN_DN = re.compile(f"{_PLAIN_PAIR}(?:,{_PLAIN_PAIR})*")
_SURROGATE = re.compile("[\ud800-\udfff]")  # a lone surrogate is not UTF-8: an error


@attrs.frozen(kw_only=True)
class Rdn:
    """One relative distinguished name: one or more ``(type, value)`` pairs joined by ``+``.

    Attributes:
        pairs: the attribute type as written and the unescaped value; a ``#hex`` value
            (the BER form, RFC 4514 section 2.4) is kept as written.
    """

    pairs: tuple[tuple[str, str], ...] = attrs.field(validator=attrs.validators.min_len(1))

    def __str__(self) -> str:
        return "+".join(f"{kind}={_escape(value)}" for kind, value in self.pairs)

    def values_of(self, attribute: str) -> tuple[str, ...]:
        """The values this RDN gives ``attribute`` (case-insensitive name)."""
        wanted = attribute.lower()
        return tuple(value for kind, value in self.pairs if kind.lower() == wanted)

    @property
    def attributes(self) -> tuple[str, ...]:
        """The attribute types of the RDN, as written, without repeats."""
        return tuple(dict.fromkeys(kind for kind, _ in self.pairs))


def _escape(value: str) -> str:
    return value if _HEX_VALUE.fullmatch(value) else escape_dn_value(value)


# A run parses the same DNs several times (plan, placement, validation, links); the
# result is an immutable tuple of frozen values, so a bounded cache is safe to share.
@functools.lru_cache(maxsize=8192)
def parse_dn(dn: str) -> tuple[Rdn, ...]:
    """Split a DN into its RDNs, most specific first (RFC 4514 section 3).

    Spaces around ``,``, ``+`` and ``=`` are tolerated, as servers do; the empty DN gives
    an empty tuple.

    Raises:
        InvalidRequestError: ``dn`` is not a distinguished name.

    >>> [str(rdn) for rdn in parse_dn("CN=Simon\\\\, Britta , DC=contoso")]
    ['CN=Simon\\\\, Britta', 'DC=contoso']
    """
    if _PLAIN_DN.fullmatch(dn) and _SURROGATE.search(dn) is None:
        # Nothing to unescape, no multi-valued RDN, no space to strip: split as written.
        return tuple(Rdn(pairs=(_pair(text),)) for text in dn.split(","))
    return _parsed_by_reading(dn)


def _parsed_by_reading(dn: str) -> tuple[Rdn, ...]:
    """:func:`parse_dn` character by character."""
    if not dn.strip():
        return ()
    rdns: list[Rdn] = []
    pairs: list[tuple[str, str]] = []
    position = 0
    while True:
        match = _TYPE.match(dn, position)
        if match is None:
            raise InvalidRequestError(
                f"{shown_value(dn)} is not a distinguished name (RFC 4514): expected "
                f"attribute=value at offset {position}"
            )
        value, position = _read_value(dn, match.end())
        pairs.append((match.group(1), value))
        if position == len(dn) or dn[position] == ",":
            rdns.append(Rdn(pairs=tuple(pairs)))
            pairs = []
        if position == len(dn):
            return tuple(rdns)
        position += 1


def _pair(text: str) -> tuple[str, str]:
    kind, _, value = text.partition("=")
    return kind, value


def _read_value(dn: str, start: int) -> tuple[str, int]:
    """Read one value from ``start``; return it and the index of the separator after it."""
    hex_match = _HEX_VALUE.match(dn, start)
    if hex_match is not None:
        end = _skip_spaces(dn, hex_match.end())
        if end == len(dn) or dn[end] in ",+":
            return hex_match.group(), end
    raw = bytearray()
    index = start
    trailing = 0  # unescaped spaces at the end of raw, which RFC 4514 does not keep
    while index < len(dn) and dn[index] not in ",+":
        char = dn[index]
        if char == "\\":
            escaped, index = _unescape(dn, index)
            raw += escaped
            trailing = 0
            continue
        if char in '";<>' or (char == "#" and index == start):
            raise InvalidRequestError(f"{shown_value(dn)} is not a distinguished name (RFC 4514)")
        raw += char.encode("utf-8", "surrogatepass")
        trailing = trailing + 1 if char == " " else 0
        index += 1
    if trailing:
        del raw[-trailing:]
    try:
        return raw.decode("utf-8"), index
    except UnicodeDecodeError:
        raise InvalidRequestError(
            f"{shown_value(dn)} holds a value that is not UTF-8 (escaped bytes that do not "
            "decode, or a lone surrogate)"
        ) from None


def _unescape(dn: str, index: int) -> tuple[bytes, int]:
    pair = dn[index + 1 : index + 3]
    if _HEX_PAIR.fullmatch(pair):
        return bytes.fromhex(pair), index + 3
    if pair[:1] and pair[0] in _ESCAPABLE:
        return pair[0].encode(), index + 2
    raise InvalidRequestError(f"{shown_value(dn)} has a bad escape at offset {index} (RFC 4514)")


def _skip_spaces(dn: str, index: int) -> int:
    while index < len(dn) and dn[index] == " ":
        index += 1
    return index


def format_dn(rdns: tuple[Rdn, ...] | list[Rdn]) -> str:
    """Join RDNs into a DN string, escaping every value (RFC 4514 section 2)."""
    return ",".join(str(rdn) for rdn in rdns)


def parent_dn(dn: str) -> str:
    """The DN of the entry's parent, re-escaped (``""`` for a one-RDN DN).

    Raises:
        InvalidRequestError: ``dn`` is not a distinguished name.
    """
    return format_dn(parse_dn(dn)[1:])


def renamed_dn(old_dn: str, new_rdn: str, new_superior: str | None = None) -> str:
    """The DN a modify-DN gives: ``new_rdn`` under ``new_superior``, else under the old parent.

    Raises:
        InvalidRequestError: ``old_dn`` is not a distinguished name.

    >>> renamed_dn("uid=a,ou=people,dc=lab", "uid=b")
    'uid=b,ou=people,dc=lab'
    >>> renamed_dn("uid=a,ou=people,dc=lab", "uid=a", "ou=moved,dc=lab")
    'uid=a,ou=moved,dc=lab'
    """
    parent = new_superior if new_superior is not None else parent_dn(old_dn)
    return f"{new_rdn},{parent}" if parent else new_rdn


def _normal_value(value: str) -> str:
    if _HEX_VALUE.fullmatch(value):
        return value.lower()
    return _SPACES.sub(" ", value.strip()).casefold()


def normalize_dn(dn: str) -> str:
    """The comparison form of a DN: equal for DNs naming the same entry.

    Attribute types are lower-cased, values case-folded with space runs collapsed and
    outer spaces dropped (caseIgnoreMatch, RFC 4518 section 2), the pairs of a multi-valued
    RDN sorted, and every value re-escaped the one RFC 4514 way.

    Raises:
        InvalidRequestError: ``dn`` is not a distinguished name.

    >>> normalize_dn("CN=B  Simon , DC=Contoso,DC=lab")
    'cn=b simon,dc=contoso,dc=lab'
    """
    if _plain(dn):
        return dn.lower()  # what the parsing below gives such a DN (a test checks it)
    return _normalized_by_parsing(dn)


def _plain(dn: str) -> bool:
    """Whether ``dn`` is a plain DN (see ``_PLAIN_DN``), whose normal form is ``dn.lower()``."""
    return "  " not in dn and dn.isascii() and dn.isprintable() and bool(_PLAIN_DN.fullmatch(dn))


def _normalized_by_parsing(dn: str) -> str:
    rdns = []
    for rdn in parse_dn(dn):
        pairs = sorted((kind.lower(), _normal_value(value)) for kind, value in rdn.pairs)
        rdns.append(Rdn(pairs=tuple(pairs)))
    return format_dn(rdns)


def dn_equal(first: str, second: str) -> bool:
    """Whether two DNs name the same entry (see :func:`normalize_dn`).

    A string that is not a DN equals only the identical string.
    """
    try:
        return normalize_dn(first) == normalize_dn(second)
    except InvalidRequestError:
        return first == second


def _normal_rdns(dn: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple(
        tuple(sorted((kind.lower(), _normal_value(value)) for kind, value in rdn.pairs))
        for rdn in parse_dn(dn)
    )


def dn_key(dn: str) -> str:
    """A comparison key for a DN that never raises: :func:`normalize_dn`, or for a string
    that is not a DN its lower-cased text (which then equals only itself, case aside).

    >>> dn_key("CN=A, DC=Lab") == dn_key("cn=a,dc=lab")
    True
    """
    try:
        return normalize_dn(dn)
    except InvalidRequestError:
        return dn.lower()


def is_within(dn: str, base: str) -> bool:
    """Whether ``dn`` is ``base`` or lies below it, compared RDN by RDN.

    The comparison uses :func:`normalize_dn`'s rules for each RDN; a string that is not a
    DN is within nothing, and nothing is within it. The empty DN (the root) contains
    every DN.

    >>> is_within("uid=a,ou=People,dc=lab", "ou=people,dc=lab")
    True
    >>> is_within("cn=evil\\,ou=people,dc=lab", "ou=people,dc=lab")
    False
    """
    if _plain(dn) and _plain(base):  # no escaped comma: RDNs end exactly at the commas
        child, parent = dn.lower(), base.lower()
        return child == parent or child.endswith("," + parent)
    return _is_within_by_parsing(dn, base)


def _is_within_by_parsing(dn: str, base: str) -> bool:
    try:
        child, parent = _normal_rdns(dn), _normal_rdns(base)
    except InvalidRequestError:
        return False
    return len(child) >= len(parent) and child[len(child) - len(parent) :] == parent
