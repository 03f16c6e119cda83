"""Escaping for values placed in search filters (RFC 4515) and DNs (RFC 4514).

Every value the connector puts into a filter or a DN goes through these functions; a
value that is never escaped is a value that can change the meaning of the request.
"""

from __future__ import annotations

import re

__all__ = ["equality_filter", "escape_dn_value", "escape_filter_value"]

# RFC 4515 section 3: these must be escaped as \XX in an assertion value.
_FILTER_SPECIALS = {"*": r"\2a", "(": r"\28", ")": r"\29", "\\": r"\5c", "\0": r"\00"}


def escape_filter_value(value: str | bytes) -> str:
    """Escape a value for use inside a filter assertion (RFC 4515 section 3).

    Text keeps its readable characters and escapes ``* ( ) \\`` and NUL. Bytes (binary
    values such as an objectGUID) are escaped byte by byte, since any byte may be special.

    >>> escape_filter_value("a*(b)")
    'a\\\\2a\\\\28b\\\\29'
    >>> escape_filter_value(b"\\x00\\x5c")
    '\\\\00\\\\5c'
    """
    if isinstance(value, bytes):
        return "".join(f"\\{byte:02x}" for byte in value)
    return "".join(_FILTER_SPECIALS.get(char, char) for char in value)


def equality_filter(attribute: str, value: str | bytes) -> str:
    """Return ``(attribute=value)`` with the value escaped.

    Raises:
        ValueError: the attribute name is not a valid attribute description.
    """
    if not attribute or any(c in attribute for c in "()=*\\ \0"):
        raise ValueError(f"not an attribute name: {attribute!r}")
    return f"({attribute}={escape_filter_value(value)})"


# RFC 4514 section 2.4: always escaped wherever they appear.
_DN_SPECIALS = frozenset('"+,;<>\\=')
# Anything escape_dn_value changes: a special or NUL anywhere, a leading space or "#",
# a trailing space.
_NEEDS_DN_ESCAPE = re.compile(r'[\x00"+,;<>\\=]|\A[ #]| \Z')


def escape_dn_value(value: str) -> str:
    """Escape an attribute value for use in an RDN (RFC 4514 section 2.4).

    Escapes ``" + , ; < > \\ =``, a leading space or ``#``, a trailing space, and NUL.

    >>> escape_dn_value("Simon, Britta")
    'Simon\\\\, Britta'
    >>> escape_dn_value(" #lead")
    '\\\\ #lead'
    """
    if _NEEDS_DN_ESCAPE.search(value) is None:
        return value  # the common value: nothing to escape, one search in C
    return _escape_each(value)


def _escape_each(value: str) -> str:
    """:func:`escape_dn_value` character by character."""
    out: list[str] = []
    last = len(value) - 1
    for index, char in enumerate(value):
        if char == "\0":
            out.append("\\00")
        elif (
            char in _DN_SPECIALS or (index == 0 and char in " #") or (index == last and char == " ")
        ):
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)
