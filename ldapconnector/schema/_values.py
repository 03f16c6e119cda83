"""Value checks for the syntaxes whose LDAP string form is easy to get wrong.

INTEGER (RFC 4517 section 3.3.16), Boolean (3.3.3), Generalized Time (3.3.13) and
Distinguished Name (3.3.9, string form per RFC 4514). Each checker returns None for a good
value or a short reason for a bad one. Python values a mapping may produce are accepted in
their natural form too: ``int`` for integers, ``bool`` for booleans, ``datetime`` for times.
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


def check_value(value_type: ValueType, value: object) -> str | None:
    """Return why ``value`` is not a valid value of ``value_type``, or None when it is."""
    check = _CHECKS.get(value_type)
    return check(value) if check is not None else None
