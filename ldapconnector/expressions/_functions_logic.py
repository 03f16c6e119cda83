"""Conditions and flow: IIF, Switch, Coalesce, CBool, Not, Is*, BitAnd, Redact, comparisons."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from ldapconnector.errors import ExpressionEvaluationError
from ldapconnector.expressions._nodes import ComparisonOperator
from ldapconnector.expressions._registry import (
    ArgInfo,
    CallMode,
    EvaluationContext,
    FunctionSpec,
    Impl,
    Param,
)
from ldapconnector.expressions._values import (
    DO_NOT_FLOW,
    Redacted,
    fail,
    integer,
    is_null,
    is_null_or_empty,
    number,
    single,
    text,
    text_or_empty,
)

Thunk = Callable[[Mapping[str, object], EvaluationContext], object] | None


def truth(value: object, function: str) -> bool:
    """Read a condition: booleans, "True"/"False" (any case), or numbers (non-zero = True)."""
    if type(value) is bool:
        return value
    if isinstance(value, Redacted):
        value = value.value
    value = single(value, function)
    if value is None:
        raise fail(
            function,
            "condition is null (the attribute is absent); "
            'test it with Switch([attr], [attr], "", "fallback") instead',
        )
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        return number(value, function) != 0
    raise fail(function, "not a boolean", value)


def _operand(value: object) -> object:
    if isinstance(value, Redacted):
        value = value.value
    return single(value, "comparison")


def compare(operator: ComparisonOperator, left: object, right: object) -> bool:
    """Apply a comparison: dates as dates, numbers as numbers, anything else as text.

    A side that is null fails the comparison, as the reference page says IIF does.
    """
    from ldapconnector.expressions._functions_date import to_date

    symbol = operator.value
    left, right = _operand(left), _operand(right)
    if left is None or right is None:
        raise fail(
            symbol,
            "cannot compare a null value (the attribute is absent); "
            'use Switch with a "" key or IsPresent',
            left if right is None else right,
        )
    a: object
    b: object
    if isinstance(left, datetime) or isinstance(right, datetime):
        a, b = to_date(left, symbol), to_date(right, symbol)
    elif _is_number(left) or _is_number(right):
        a, b = _numeric(left), _numeric(right)
        if a is None or b is None:
            a, b = text(left, symbol), text(right, symbol)
    else:
        a, b = text(left, symbol), text(right, symbol)
    return _COMPARE[operator](a, b)


def _is_number(value: object) -> bool:
    return type(value) is int or type(value) is float


def _numeric(value: object) -> int | float | None:
    if _is_number(value):
        return value  # type: ignore[return-value]
    try:
        return number(value, "comparison")
    except ExpressionEvaluationError:  # not a number: compared as text instead
        return None


_COMPARE: dict[ComparisonOperator, Callable[[object, object], bool]] = {
    ComparisonOperator.EQUAL: lambda a, b: a == b,
    ComparisonOperator.NOT_EQUAL: lambda a, b: a != b,
    ComparisonOperator.LESS: lambda a, b: a < b,  # type: ignore[operator]
    ComparisonOperator.LESS_OR_EQUAL: lambda a, b: a <= b,  # type: ignore[operator]
    ComparisonOperator.GREATER: lambda a, b: a > b,  # type: ignore[operator]
    ComparisonOperator.GREATER_OR_EQUAL: lambda a, b: a >= b,  # type: ignore[operator]
}


def _iif(attributes: Mapping[str, object], context: EvaluationContext, *args: Thunk) -> object:
    condition, if_true, if_false = args
    assert condition is not None  # noqa: S101 - required arguments are checked at compile time
    assert if_true is not None  # noqa: S101
    assert if_false is not None  # noqa: S101
    if truth(condition(attributes, context), "IIF"):
        return if_true(attributes, context)
    return if_false(attributes, context)


def _switch_key(value: object) -> str:
    return text_or_empty(value if not isinstance(value, Redacted) else value.value, "Switch")


def _switch(attributes: Mapping[str, object], context: EvaluationContext, *args: Thunk) -> object:
    source, default, *pairs = args
    assert source is not None  # noqa: S101
    wanted = _switch_key(source(attributes, context))
    for index in range(0, len(pairs), 2):
        key, result = pairs[index], pairs[index + 1]
        found = "" if key is None else _switch_key(key(attributes, context))
        if found == wanted:
            return None if result is None else result(attributes, context)
    return None if default is None else default(attributes, context)


def _bind_switch(args: tuple[ArgInfo, ...]) -> Impl:
    keys = args[2::2]
    if not all(k.constant for k in keys):
        return _switch
    table: dict[str, int] = {}
    for position, key in enumerate(keys):
        table.setdefault(_switch_key(key.value) if key.present else "", 3 + 2 * position)

    def switch(
        attributes: Mapping[str, object], context: EvaluationContext, *thunks: Thunk
    ) -> object:
        source = thunks[0]
        assert source is not None  # noqa: S101
        index = table.get(_switch_key(source(attributes, context)), 1)
        chosen = thunks[index]
        return None if chosen is None else chosen(attributes, context)

    return switch


def _coalesce(attributes: Mapping[str, object], context: EvaluationContext, *args: Thunk) -> object:
    for thunk in args:
        if thunk is not None:
            value = thunk(attributes, context)
            if not is_null(value):
                return value
    return None


def _cbool(value: object) -> bool:
    return False if is_null(value) else truth(value, "CBool")


def _not(value: object) -> bool:
    value = single(value, "Not")
    if isinstance(value, bool):
        return not value
    return not (isinstance(value, str) and value.strip().lower() == "true")


def _bit_and(left: object, right: object) -> int | None:
    a, b = integer(left, "BitAnd"), integer(right, "BitAnd")
    return None if a is None or b is None else a & b


def _ignore_flow(value: object) -> object:
    inner = value.value if isinstance(value, Redacted) else value
    return DO_NOT_FLOW if is_null_or_empty(inner) else value


def _redact(value: object) -> Redacted:
    return value if isinstance(value, Redacted) else Redacted(value)


def _is_string(value: object) -> bool:
    return isinstance(single(value, "IsString"), str)


_L = Param
FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="BitAnd",
        params=(_L("value1"), _L("value2")),
        impl=_bit_and,
        summary="Bitwise AND of two integers.",
    ),
    FunctionSpec(
        name="CBool",
        params=(_L("Expression"),),
        impl=_cbool,
        summary="True for true or non-zero values, False otherwise.",
    ),
    FunctionSpec(
        name="Coalesce",
        params=(_L("source1"), _L("source", False)),
        impl=_coalesce,
        mode=CallMode.LAZY,
        repeat=1,
        summary="The first argument that is not null (null when none is).",
    ),
    FunctionSpec(
        name="IgnoreFlowIfNullOrEmpty",
        params=(_L("expression"),),
        impl=_ignore_flow,
        top_level_only=True,
        summary="Leave the target attribute out of the flow when the value is null or ''.",
    ),
    FunctionSpec(
        name="IIF",
        params=(_L("condition"), _L("valueIfTrue"), _L("valueIfFalse")),
        impl=_iif,
        mode=CallMode.LAZY,
        summary="valueIfTrue when the condition holds, else valueIfFalse.",
    ),
    FunctionSpec(
        name="IsNull",
        params=(_L("Expression"),),
        impl=is_null,
        summary="True when the value is null (the attribute is absent).",
    ),
    FunctionSpec(
        name="IsNullOrEmpty",
        params=(_L("Expression"),),
        impl=is_null_or_empty,
        summary="True when the value is null or ''.",
    ),
    FunctionSpec(
        name="IsPresent",
        params=(_L("Expression"),),
        impl=lambda value: not is_null_or_empty(value),
        summary="True when the value is neither null nor ''.",
    ),
    FunctionSpec(
        name="IsString",
        params=(_L("Expression"),),
        impl=_is_string,
        summary="True when the value is a string.",
    ),
    FunctionSpec(
        name="Not",
        params=(_L("source"),),
        impl=_not,
        summary='False for True/"True", True for anything else.',
    ),
    FunctionSpec(
        name="Redact",
        params=(_L("attribute/value"),),
        impl=_redact,
        summary="The value flows, but logs and reports show [Redact].",
    ),
    FunctionSpec(
        name="Switch",
        params=(_L("source"), _L("defaultValue", False), _L("key"), _L("value")),
        impl=_switch,
        mode=CallMode.LAZY,
        repeat=2,
        binder=_bind_switch,
        summary='The value of the first key equal to source (case-sensitive; "" matches null).',
    ),
)
