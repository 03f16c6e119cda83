"""Turn expression results into LDAP attribute values (RFC 4517 string forms)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

from ldapconnector.expressions import AppRoleAssignment, Redacted, expression_value_to_text
from ldapconnector.model import Value

__all__ = ["generalized_time", "is_null_result", "to_ldap_values"]

_BASE64_KEY = "base64"
"""The key of a binary value in JSON: ``{"base64": "..."}``, the shape import writes."""


def generalized_time(moment: datetime) -> str:
    """Render a datetime as Generalized Time in UTC, ``YYYYMMDDHHMMSSZ`` (RFC 4517 3.3.13).

    A naive datetime is taken as UTC.

    >>> generalized_time(datetime(2024, 5, 1, 13, 4, 5, tzinfo=UTC))
    '20240501130405Z'
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%d%H%M%S") + "Z"


def _flatten(value: object) -> Iterator[object]:
    if isinstance(value, list | tuple):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, Redacted):
        yield from _flatten(value.value)
    else:
        yield value


def _binary(value: Mapping[object, object]) -> bytes:
    """The bytes of a ``{"base64": "..."}`` value (RFC 4648 section 4, padding required)."""
    encoded = value.get(_BASE64_KEY)
    if set(value) != {_BASE64_KEY} or not isinstance(encoded, str):
        keys = ", ".join(sorted(repr(str(key)) for key in value)) or "none"
        raise TypeError(
            f'an object value must be {{"{_BASE64_KEY}": "<base64 text>"}} (a binary value), '
            f"got one with the keys {keys}"
        )
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise TypeError(f'the "{_BASE64_KEY}" value is not valid base64 ({error})') from None


def _one(value: object) -> Value | None:
    """The LDAP form of one scalar value; None for null and ``""``."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # before int: bool is an int
        return "TRUE" if value else "FALSE"  # RFC 4517 3.3.3
    if isinstance(value, int):
        return str(value)  # RFC 4517 3.3.16
    if isinstance(value, float):
        return expression_value_to_text(value)  # the .NET round-trip form Entra flows
    if isinstance(value, datetime):
        return generalized_time(value)
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, AppRoleAssignment):
        return value.name
    if isinstance(value, Mapping):
        return _binary(value)
    raise TypeError(f"a {type(value).__name__} value cannot be written to the directory")


def to_ldap_values(value: object) -> tuple[Value, ...]:
    """The LDAP values of an expression result, in order and without repeats.

    Lists (nested too) are flattened; ``bool`` becomes ``TRUE``/``FALSE``, ``int`` and
    ``float`` decimal text, ``datetime`` Generalized Time, ``{"base64": "..."}`` (the shape
    ``import --output`` writes binary values in) its decoded bytes; ``None`` and ``""`` are
    dropped (LDAP has no empty values for string syntaxes). A :class:`Redacted` wrapper is
    unwrapped: hiding it is the caller's job.

    Raises:
        TypeError: a value has no LDAP form (a set, a mapping other than
            ``{"base64": ...}``, base64 that does not decode, ...).

    >>> to_ldap_values([True, 42, ["a", "a", None]])
    ('TRUE', '42', 'a')
    """
    if type(value) is str:  # the common result, without the walk: one value, or none
        return (value,) if value else ()
    found: dict[Value, None] = {}
    for item in _flatten(value):
        converted = _one(item)
        if converted is not None:
            found.setdefault(converted, None)
    return tuple(found)


def is_null_result(value: object) -> bool:
    """Whether an expression result carries no value at all (null, ``""``, empty list)."""
    try:
        return not to_ldap_values(value)
    except TypeError:
        return False
