"""The value model of expressions and the coercions every function shares.

A value is ``None`` (null: the attribute is absent), ``str``, ``int``, ``float``, ``bool``,
a timezone-aware UTC ``datetime``, or a ``list`` of those (a multi-valued attribute; an
empty list counts as null). Two markers wrap a result: :class:`Redacted` (the value flows
but is hidden in logs and reports) and :data:`DO_NOT_FLOW` (the target attribute is left
out of the flow, which is not the same as clearing it).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Final, TypeAlias

import attrs

from ldapconnector.errors import ExpressionEvaluationError

ExpressionValue: TypeAlias = object
"""What an expression or attribute evaluates to (see the module docstring for the model)."""


class DoNotFlow(enum.Enum):
    """The type of :data:`DO_NOT_FLOW`, an enum so that it is a typed singleton."""

    DO_NOT_FLOW = "do-not-flow"

    def __repr__(self) -> str:
        return "DO_NOT_FLOW"


DO_NOT_FLOW: Final = DoNotFlow.DO_NOT_FLOW
"""IgnoreFlowIfNullOrEmpty's result for null or "": drop the attribute from this flow."""


@attrs.frozen
class Redacted:
    """A value that flows unchanged but shows as ``[Redact]`` in logs and reports.

    Attributes:
        value: the real value, to be written to the target.
    """

    value: object = attrs.field(repr=False)

    def __str__(self) -> str:
        return "[Redact]"

    def __repr__(self) -> str:
        return "Redacted([Redact])"


@attrs.frozen(kw_only=True)
class AppRoleAssignment:
    """One application role assigned to a user, as the app-role functions read it.

    Attributes:
        value: the role's value (its claim value), e.g. ``"Admin"``.
        display_name: the role's display name, when it differs from the value.
        id: the app role's id, when known.
    """

    value: str
    display_name: str | None = None
    id: str | None = None

    @property
    def name(self) -> str:
        """The role's name: the display name when there is one, else the value."""
        return self.display_name or self.value


_MAX_SHOWN = 80


def show(value: object) -> str:
    """Return a short printable form of ``value`` for an error message."""
    if isinstance(value, Redacted):
        return "[Redact]"
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


_NO_VALUE: Final = object()


def fail(function: str, message: str, value: object = _NO_VALUE) -> ExpressionEvaluationError:
    """Build the run-time error for ``function``; the message shows the offending ``value``."""
    if value is _NO_VALUE:
        return ExpressionEvaluationError(message, function=function)
    shown = show(value)
    return ExpressionEvaluationError(f"{message} (got {shown})", function=function, value=shown)


def is_null(value: object) -> bool:
    """True for null: ``None`` or an empty list (an attribute with no values)."""
    return value is None or (isinstance(value, list | tuple) and not value)


def is_null_or_empty(value: object) -> bool:
    """True for null, ``""``, or a list holding nothing but ``""``."""
    if value is None or value == "":
        return True
    if isinstance(value, list | tuple):
        return all(v is None or v == "" for v in value)
    return False


def format_vb_datetime(moment: datetime) -> str:
    """Render a datetime the way the provisioning service does: ``M/d/yyyy h:mm:ss tt`` (UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return (
        f"{moment.month}/{moment.day}/{moment.year:04d} "
        f"{hour}:{moment.minute:02d}:{moment.second:02d} {half}"
    )


def format_number(number: float) -> str:
    """Render a float the way .NET does for round-trips (``42568.75``, ``3`` for ``3.0``)."""
    if math.isfinite(number) and number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def single(value: object, function: str) -> object:
    """Return the one value of ``value``: unwraps one-element lists; None for empty lists."""
    if isinstance(value, list | tuple):
        if not value:
            return None
        if len(value) == 1:
            return value[0]
        raise fail(function, f"expected a single value, got {len(value)} values", value)
    return value


def text(value: object, function: str) -> str | None:
    """Coerce ``value`` to a string the way it would flow (None stays None)."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if value is None:
        return None
    if kind is bool:
        return "True" if value else "False"
    if kind is int:
        return str(value)
    if kind is float:
        return format_number(value)  # type: ignore[arg-type]
    if isinstance(value, datetime):
        return format_vb_datetime(value)
    if isinstance(value, list | tuple):
        return text(single(value, function), function)
    if isinstance(value, Redacted):
        return text(value.value, function)
    if isinstance(value, AppRoleAssignment):
        return value.name
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise fail(function, "binary value is not UTF-8 text", value) from None
    raise fail(function, f"cannot use a {kind.__name__} value as text", value)


def text_or_empty(value: object, function: str) -> str:
    """Like :func:`text`, but null becomes ``""``."""
    result = text(value, function)
    return "" if result is None else result


def number(value: object, function: str) -> int | float | None:
    """Coerce ``value`` to an int or float; strings may be decimal or VB hex (``&HF7``)."""
    value = single(value, function)
    if value is None:
        return None
    if type(value) is int or type(value) is float:
        return value
    if isinstance(value, str):
        raw = value.strip()
        try:
            if raw[:2].upper() == "&H":
                return int(raw[2:], 16)
            return int(raw)
        except ValueError:
            pass
        try:
            parsed = float(raw)
        except ValueError:
            raise fail(function, "not a number", value) from None
        if math.isfinite(parsed):
            return parsed
    raise fail(function, "not a number", value)


def integer(value: object, function: str) -> int | None:
    """Coerce ``value`` to an int (floats round half to even, as VB's CInt does)."""
    result = number(value, function)
    if result is None or type(result) is int:
        return result
    return round(result)


def values(value: object) -> list[object]:
    """Return the values of a possibly multi-valued ``value`` as a list (null gives [])."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def to_json(value: object, *, reveal_redacted: bool = False) -> object:
    """Return ``value`` as JSON-ready data.

    Lists become arrays, datetimes ISO 8601 strings, :data:`DO_NOT_FLOW` the object
    ``{"doNotFlow": true}``, and a :class:`Redacted` value ``{"redacted": "[Redact]"}``
    (or ``{"redacted": <value>}`` with ``reveal_redacted``).

    Args:
        value: an expression result.
        reveal_redacted: show what a :class:`Redacted` wrapper holds.

    Returns:
        Data that :func:`json.dumps` accepts.
    """
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else format_number(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(v, reveal_redacted=reveal_redacted) for v in value]
    if value is DO_NOT_FLOW:
        return {"doNotFlow": True}
    if isinstance(value, Redacted):
        inner = to_json(value.value, reveal_redacted=True) if reveal_redacted else "[Redact]"
        return {"redacted": inner}
    if isinstance(value, AppRoleAssignment):
        return attrs.asdict(value)
    if isinstance(value, Mapping):
        return {str(k): to_json(v, reveal_redacted=reveal_redacted) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.name
    return repr(value)


def to_text(value: object) -> str | None:
    """Return the string an expression result flows as (CStr semantics; None for null).

    Args:
        value: an expression result; :class:`Redacted` is unwrapped, lists must hold one value.

    Returns:
        The text, or None for null.

    Raises:
        ExpressionEvaluationError: the value is multi-valued or not representable as text.
    """
    return text(value, "CStr")
