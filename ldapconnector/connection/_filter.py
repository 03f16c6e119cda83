"""RFC 4515 filter strings to the BER ``Filter`` of a SearchRequest (RFC 4511 section 4.5.1.7).

A recursive-descent reader over the string: ``(&...)``, ``(|...)``, ``(!...)``, and the
items ``=``, ``~=``, ``>=``, ``<=``, presence ``=*``, substrings and extensible matches
(``attr:dn:rule:=value``). Values carry RFC 4515 escapes (``\\2a``), decoded here to the
raw octets the server compares; callers escape what they place in a filter
(:mod:`ldapconnector.escaping`). A malformed filter raises
:class:`~ldapconnector.errors.InvalidRequestError` naming the position.
"""

from __future__ import annotations

from ldapconnector.connection._ber import encode_boolean, encode_octet_string, encode_tlv
from ldapconnector.errors import InvalidRequestError

__all__ = ["encode_filter"]

# Filter CHOICE tags (RFC 4511 section 4.5.1): context class, constructed unless noted.
_AND, _OR, _NOT = 0xA0, 0xA1, 0xA2
_EQUALITY, _SUBSTRINGS, _GREATER, _LESS = 0xA3, 0xA4, 0xA5, 0xA6
_PRESENT = 0x87  # primitive: the attribute description itself
_APPROX, _EXTENSIBLE = 0xA8, 0xA9
_SUB_INITIAL, _SUB_ANY, _SUB_FINAL = 0x80, 0x81, 0x82
# MatchingRuleAssertion fields: [1] rule, [2] type, [3] value, [4] dnAttributes.
_RULE, _TYPE, _VALUE, _DN_ATTRIBUTES = 0x81, 0x82, 0x83, 0x84
_SETS = {"&": _AND, "|": _OR}
_PREFIXED = {"~": _APPROX, ">": _GREATER, "<": _LESS}  # the character before "="


def _unescape(text: str, where: int) -> bytes:
    """The octets of an RFC 4515 value: ``\\XX`` is one byte, the rest is UTF-8."""
    if "\\" not in text and not any(char in text for char in "()*\x00"):
        return text.encode("utf-8")  # nothing to undo (nor to refuse): the common value
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            pair = text[index + 1 : index + 3]
            try:
                out.append(int(pair, 16) if len(pair) == 2 else -1)
            except ValueError:
                raise InvalidRequestError(
                    f"filter: bad escape {text[index : index + 3]!r} at position {where + index}"
                ) from None
            index += 3
            continue
        if char in "()*\x00":
            raise InvalidRequestError(
                f"filter: unescaped {char!r} in a value at position {where + index}"
            )
        out += char.encode("utf-8")
        index += 1
    return bytes(out)


def _substrings(name: str, value: str, where: int) -> bytes:
    pieces = value.split("*")
    parts = []
    offset = where
    for number, piece in enumerate(pieces):
        if piece:
            tag = _SUB_ANY
            if number == 0:
                tag = _SUB_INITIAL
            elif number == len(pieces) - 1:
                tag = _SUB_FINAL
            parts.append(encode_octet_string(_unescape(piece, offset), tag=tag))
        offset += len(piece) + 1
    inner = encode_tlv(0x30, b"".join(parts))
    return encode_tlv(_SUBSTRINGS, encode_octet_string(name.encode("utf-8")) + inner)


def _extensible(left: str, value: str, where: int) -> bytes:
    fields = left.split(":")
    name, rest = fields[0], fields[1:]
    dn_attributes = "dn" in (f.lower() for f in rest)
    rules = [f for f in rest if f.lower() != "dn"]
    if len(rules) > 1 or (not name and not rules):
        raise InvalidRequestError(f"filter: bad extensible match {left!r} at position {where}")
    parts = []
    if rules:
        parts.append(encode_octet_string(rules[0].encode("utf-8"), tag=_RULE))
    if name:
        parts.append(encode_octet_string(name.encode("utf-8"), tag=_TYPE))
    parts.append(encode_octet_string(_unescape(value, where), tag=_VALUE))
    if dn_attributes:
        parts.append(encode_boolean(True, tag=_DN_ATTRIBUTES))
    return encode_tlv(_EXTENSIBLE, b"".join(parts))


def _item(text: str, where: int) -> bytes:
    """One ``attr OP value`` item (the text between its parentheses)."""
    at = text.find("=")
    if at < 0:
        raise InvalidRequestError(f"filter: no operator in {text!r} at position {where}")
    name, value = text[:at], text[at + 1 :]
    if name.endswith(":"):
        return _extensible(name[:-1], value, where)
    tag = _PREFIXED.get(name[-1:], _EQUALITY)
    if tag != _EQUALITY:
        name = name[:-1]
    if not name or any(c in name for c in "()=\\*~<>"):
        raise InvalidRequestError(f"filter: bad attribute {name!r} at position {where}")
    if tag == _EQUALITY and value == "*":
        return encode_octet_string(name.encode("utf-8"), tag=_PRESENT)
    if tag == _EQUALITY and "*" in value:
        return _substrings(name, value, where + at + 1)
    body = encode_octet_string(name.encode("utf-8"))
    return encode_tlv(tag, body + encode_octet_string(_unescape(value, where + at + 1)))


def _closing(text: str, start: int) -> int:
    """The index of the ``)`` that closes the item opened at ``start``."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    raise InvalidRequestError(f"filter: the parenthesis at position {start} is never closed")


def _parse(text: str, start: int) -> tuple[bytes, int]:
    """The filter opened at ``start``: its BER bytes and the index just after it."""
    if start >= len(text) or text[start] != "(":
        raise InvalidRequestError(f"filter: expected '(' at position {start}")
    end = _closing(text, start)
    kind = text[start + 1 : start + 2]
    if kind in _SETS or kind == "!":
        children = []
        index = start + 2
        while index < end:
            child, index = _parse(text, index)
            children.append(child)
        if kind == "!" and len(children) != 1:
            raise InvalidRequestError(f"filter: '!' takes one filter, at position {start}")
        return encode_tlv(_SETS.get(kind, _NOT), b"".join(children)), end + 1
    return _item(text[start + 1 : end], start + 1), end + 1


def encode_filter(text: str) -> bytes:
    """The BER ``Filter`` of an RFC 4515 string (outer parentheses optional).

    Raises:
        InvalidRequestError: the string is not a filter (the message gives the position).
    """
    text = text.strip()
    if not text.startswith("("):
        text = f"({text})"
    encoded, end = _parse(text, 0)
    if end != len(text):
        raise InvalidRequestError(f"filter: unexpected text after position {end}")
    return encoded
