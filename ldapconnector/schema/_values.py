"""Value checks: what a value must be for the directory to hold it as sent.

Every text value must be sendable: a ``str`` that cannot be encoded as UTF-8 (a lone
surrogate such as ``"\\udcff"``, which ``json.loads`` makes of ``"\\\\udcff"``) is refused, and
so is a NUL character in any value that is not binary: no string syntax of RFC 4517 holds
it, and OpenLDAP's equality matching stops at it, so ``victim@h.lab\\x00x`` would find
``victim@h.lab``. Then per value type: INTEGER (RFC 4517 section 3.3.16), Boolean (3.3.3),
Generalized Time (3.3.13) and Distinguished Name (3.3.9, string form per RFC 4514); and per
syntax, the restricted character sets: IA5 String (3.3.15, ASCII only), Printable String
(3.3.29), Numeric String (3.3.23) and Country String (3.3.4). A binary syntax that only holds
encoded data (JPEG, Certificate, ...) refuses a ``str``: text there is almost always base64
that was meant to be decoded (``{"base64": "..."}`` in a source record gives bytes), and
sending it as is would store the ASCII of the base64. Octet String stays open to text:
``userPassword`` and many directory-specific attributes use it for text. Each checker returns
None for a good value or a short reason for a bad one. Python values a mapping may produce are
accepted in their natural form too: ``int`` for integers, ``bool`` for booleans,
``datetime`` for times.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping

from ldapconnector.dn import parse_dn
from ldapconnector.errors import InvalidRequestError
from ldapconnector.schema._model import ValueType

__all__ = ["check_value", "parse_dn"]

_INTEGER = re.compile(r"-?[1-9][0-9]*|0")
_GENERALIZED_TIME = re.compile(
    r"(?P<year>\d{4})(?P<month>\d\d)(?P<day>\d\d)(?P<hour>\d\d)"
    r"(?:(?P<minute>\d\d)(?P<second>\d\d)?)?"
    r"(?:[.,]\d+)?"
    r"(?:Z|[+-](?P<tzh>\d\d)(?P<tzm>\d\d)?)"
)
# RFC 4514 section 3: attributeType = descr / numericoid.
_ATTRIBUTE_TYPE = re.compile(r"\s*([A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)\s*=")
_HEX_VALUE = re.compile(r"#(?:[0-9A-Fa-f]{2})+")
# RFC 4514 section 3: runs of characters a value may hold unescaped; what a backslash escapes.
_PLAIN = re.compile(r'[^,+\\\\";<>\x00]+')
_ESCAPABLE = frozenset(' "#+,;<=>\\')
_HEX = set("0123456789abcdefABCDEF")


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _check_integer(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    text = _text(value)
    if text is not None and _INTEGER.fullmatch(text):
        return None
    return "is not an INTEGER (RFC 4517 section 3.3.16: digits, optional '-', no leading zero)"


def _check_boolean(value: object) -> str | None:
    if isinstance(value, bool) or _text(value) in ("TRUE", "FALSE"):
        return None
    return "is not a Boolean (RFC 4517 section 3.3.3: TRUE or FALSE, in capitals)"


def _check_time(value: object) -> str | None:
    if isinstance(value, datetime.datetime):
        return None
    text = _text(value)
    match = _GENERALIZED_TIME.fullmatch(text) if text is not None else None
    if match is not None and _time_fields_in_range(match):
        return None
    return "is not a Generalized Time (RFC 4517 section 3.3.13, e.g. 20240131235959Z)"


def _time_fields_in_range(match: re.Match[str]) -> bool:
    limits = {"month": (1, 12), "day": (1, 31), "hour": (0, 23), "minute": (0, 59)}
    limits |= {"second": (0, 60), "tzh": (0, 23), "tzm": (0, 59)}
    for field, (low, high) in limits.items():
        text = match.group(field)
        if text is not None and not low <= int(text) <= high:
            return False
    return True


def _check_dn(value: object) -> str | None:
    text = _text(value)
    if text is not None:
        try:
            parse_dn(text)
        except InvalidRequestError:
            pass
        else:
            return None
    return "is not a distinguished name (RFC 4514, e.g. uid=jdoe,ou=people,dc=example,dc=com)"


def _check_string(value: object) -> str | None:
    if isinstance(value, bytes) and _text(value) is None:
        return "is not valid UTF-8 text (RFC 4517 section 3.3.6)"
    return None


_CHECKS: Mapping[ValueType, Callable[[object], str | None]] = {
    ValueType.INTEGER: _check_integer,
    ValueType.BOOLEAN: _check_boolean,
    ValueType.GENERALIZED_TIME: _check_time,
    ValueType.DN: _check_dn,
    ValueType.STRING: _check_string,
}


def _check_sendable(value_type: ValueType, value: object) -> str | None:
    """Why a value cannot be sent at all: text that is not UTF-8, or a NUL in a string."""
    if isinstance(value, str) and not value.isascii():  # ASCII holds no surrogate
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            code = ord(value[error.start])
            return (
                f"holds a lone surrogate (U+{code:04X}) at character {error.start}: it is not "
                "a Unicode character and cannot be sent as UTF-8 (RFC 4517 section 3.3.6)"
            )
    if value_type is ValueType.BINARY:
        return None
    text = _text(value)
    if text is not None and "\x00" in text:
        return (
            f"holds a NUL character (U+0000) at character {text.index(chr(0))}: no string "
            "syntax can hold it (RFC 4517 section 3.3), and servers' matching stops at it"
        )
    return None


def _charset(name: str, outside: str, rule: str) -> Callable[[object], str | None]:
    """A check that no character of a text value matches ``outside`` (a negated class)."""
    pattern = re.compile(outside)

    def check(value: object) -> str | None:
        text = _text(value)
        found = pattern.search(text) if text is not None else None
        if found is None:
            return None
        return (
            f"does not fit the {name} syntax: character {found.start()} ({found.group()!r}) is "
            f"outside its character set ({rule})"
        )

    return check


_NOT_PRINTABLE = r"[^A-Za-z0-9'()+,\-./:=? ]"
_RFC4517 = "1.3.6.1.4.1.1466.115.121.1."
_IA5 = _charset("IA5 String", r"[^\x00-\x7f]", "ASCII only, RFC 4517 section 3.3.15")
_NUMERIC = _charset("Numeric String", r"[^0-9 ]", "digits and spaces, RFC 4517 section 3.3.23")
_PRINTABLE_RULE = "letters, digits, space and '()+,-./:=?"
# Syntax OID -> the check of its character set (with Active Directory's 2.5.5.x twins).
_SYNTAX_CHECKS: Mapping[str, Callable[[object], str | None]] = {
    _RFC4517 + "26": _IA5,
    "2.5.5.5": _IA5,
    _RFC4517 + "36": _NUMERIC,
    "2.5.5.6": _NUMERIC,
    _RFC4517 + "44": _charset(
        "Printable String", _NOT_PRINTABLE, f"{_PRINTABLE_RULE}, RFC 4517 section 3.3.29"
    ),
    _RFC4517 + "11": _charset(
        "Country String", _NOT_PRINTABLE, f"{_PRINTABLE_RULE}, RFC 4517 section 3.3.4"
    ),
}


# Binary syntaxes whose values are encoded data, never text (RFC 4517, RFC 4523, RFC 5208).
_BINARY_ONLY: Mapping[str, str] = {
    _RFC4517 + "4": "Audio",
    _RFC4517 + "5": "Binary",
    _RFC4517 + "8": "Certificate",
    _RFC4517 + "9": "Certificate List",
    _RFC4517 + "10": "Certificate Pair",
    _RFC4517 + "23": "Fax",
    _RFC4517 + "28": "JPEG",
    _RFC4517 + "49": "Supported Algorithm",
    "1.2.840.113549.1.8.1.1": "PKCS#8 PrivateKeyInfo",
    "1.3.6.1.4.1.4203.666.11.10.2.1": "X.509 AttributeCertificate",
}


def _check_binary(value: object, syntax: str | None) -> str | None:
    name = _BINARY_ONLY.get(syntax) if syntax else None
    if name is None or not isinstance(value, str):
        return None
    return (
        f"is text, but the {name} syntax holds binary data: give the value as bytes, or in "
        'a source record as {"base64": "..."} (the shape import writes)'
    )


def check_value(value_type: ValueType, value: object, syntax: str | None = None) -> str | None:
    """Return why ``value`` is not a valid value, or None when it is.

    Args:
        value_type: the attribute's value type.
        value: the value as a mapping gives it (``str``, ``bytes``, ``int``, ...).
        syntax: the attribute's syntax OID, for the syntaxes with a restricted
            character set (IA5, Printable, Numeric, Country String) and the binary
            syntaxes that refuse text (JPEG, Certificate, ...).
    """
    reason = _check_sendable(value_type, value)
    if reason is not None:
        return reason
    if value_type is ValueType.BINARY:
        return _check_binary(value, syntax)
    check = _CHECKS.get(value_type)
    reason = check(value) if check is not None else None
    by_syntax = _SYNTAX_CHECKS.get(syntax) if syntax and value_type is ValueType.STRING else None
    if reason is None and by_syntax is not None:
        reason = by_syntax(value)
    return reason
