"""The public API: compile once, evaluate many; context; markers; explain."""

from __future__ import annotations

import random
import re
import string
from datetime import UTC, datetime, timedelta, timezone

import pytest

import ldapconnector.expressions as lx
from ldapconnector.errors import ExpressionEvaluationError
from ldapconnector.expressions import (
    DO_NOT_FLOW,
    AppRoleAssignment,
    EvaluationContext,
    Redacted,
    compile_expression,
    evaluate_expression,
    expression_value_to_json,
    expression_value_to_text,
)
from ldapconnector.expressions._functions_multi import SPECIAL_CHARACTERS

DN = 'Join("", "CN=", Word([userPrincipalName], 1, "@"), ",DC=Contoso,DC=lab")'


def test_contract_example_from_the_design() -> None:
    """The DESIGN.md example compiles once and gives the documented DN."""
    expression = compile_expression(DN)
    assert expression.evaluate({"userPrincipalName": "bsimon@contoso.com"}) == (
        "CN=bsimon,DC=Contoso,DC=lab"
    )


def test_one_compiled_expression_serves_many_objects() -> None:
    """A compiled expression keeps no state between evaluations."""
    expression = compile_expression(DN)
    names = [f"user{i}@contoso.com" for i in range(5)]
    results = [expression.evaluate({"userPrincipalName": n}) for n in names]
    assert results == [f"CN=user{i},DC=Contoso,DC=lab" for i in range(5)]


def test_evaluate_expression_compiles_once_per_source() -> None:
    """evaluate_expression caches the compiled form of each source text."""
    lx._expression._cached.cache_clear()
    evaluate_expression(DN, {"userPrincipalName": "a@b"})
    evaluate_expression(DN, {"userPrincipalName": "c@d"})
    info = lx._expression._cached.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_attribute_names_lists_every_reference() -> None:
    """attribute_names tells the caller which source attributes an expression reads."""
    expression = compile_expression('IIF([a] = "x", Join(",", [b], [c]), [a])')
    assert expression.attribute_names == frozenset({"a", "b", "c"})


def test_compile_rejects_a_non_string_source() -> None:
    """Passing something other than text is a programming error (TypeError)."""
    with pytest.raises(TypeError):
        compile_expression(42)  # type: ignore[arg-type]


def test_do_not_flow_is_distinct_from_null() -> None:
    """IgnoreFlowIfNullOrEmpty yields the DO_NOT_FLOW marker, never None."""
    result = compile_expression("IgnoreFlowIfNullOrEmpty([a])").evaluate({})
    assert result is DO_NOT_FLOW
    assert result is not None
    assert expression_value_to_json(result) == {"doNotFlow": True}


def test_redacted_hides_its_value_in_text_forms() -> None:
    """A Redacted value prints as [Redact] but still carries the real value."""
    result = compile_expression("Redact([password])").evaluate({"password": "s3cret"})
    assert isinstance(result, Redacted)
    assert result.value == "s3cret"
    assert "s3cret" not in f"{result} {result!r}"
    assert expression_value_to_json(result) == {"redacted": "[Redact]"}
    assert expression_value_to_text(result) == "s3cret"


def test_now_uses_the_context_clock() -> None:
    """Now() reads the injected clock and converts it to UTC."""
    clock_time = datetime(2021, 7, 2, 17, 33, 38, tzinfo=timezone(timedelta(hours=2)))
    context = EvaluationContext(clock=lambda: clock_time)
    result = compile_expression("Now()").evaluate({}, context=context)
    assert expression_value_to_text(result) == "7/2/2021 3:33:38 PM"


def test_now_without_a_context_is_the_current_time() -> None:
    """The default context uses the system clock in UTC."""
    before = datetime.now(UTC)
    result = compile_expression("Now()").evaluate({})
    assert isinstance(result, datetime)
    assert before - timedelta(seconds=1) <= result <= datetime.now(UTC)


def test_guid_is_a_lower_case_hyphenated_version_4_uuid() -> None:
    """Guid() returns a fresh random GUID string each time."""
    expression = compile_expression("Guid()")
    first, second = expression.evaluate({}), expression.evaluate({})
    assert isinstance(first, str)
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first
    )
    assert first != second


def test_guid_is_reproducible_with_a_seeded_random_source() -> None:
    """A seeded random source in the context makes Guid() deterministic for tests."""
    expression = compile_expression("Guid()")
    runs = [
        expression.evaluate({}, context=EvaluationContext(random=random.Random(7)))  # noqa: S311
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


@pytest.mark.parametrize("seed", range(40))
def test_random_string_honours_every_minimum_and_avoids_characters(seed: int) -> None:
    """RandomString(10,2,2,2,1,"?,") has the length, every minimum and no avoided character."""
    context = EvaluationContext(random=random.Random(seed))  # noqa: S311
    value = compile_expression('RandomString(10,2,2,2,1,"?,")').evaluate({}, context=context)
    assert isinstance(value, str)
    assert len(value) == 10
    assert sum(c.isdigit() for c in value) >= 2
    assert sum(c in SPECIAL_CHARACTERS for c in value) >= 2
    assert sum(c in string.ascii_uppercase for c in value) >= 2
    assert sum(c in string.ascii_lowercase for c in value) >= 1
    assert not set(value) & {"?", ","}


def test_random_string_documented_example_shape() -> None:
    """RandomString(6,3,0,0,3) gives six characters with three digits and three lower-case."""
    value = compile_expression("RandomString(6,3,0,0,3)").evaluate({})
    assert isinstance(value, str)
    assert len(value) == 6
    assert sum(c.isdigit() for c in value) >= 3
    assert sum(c.islower() for c in value) >= 3


def test_random_string_default_source_is_the_os() -> None:
    """Without a context RandomString draws from secrets (SystemRandom)."""
    assert isinstance(EvaluationContext().random, random.SystemRandom)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("RandomString(257,0,0,0,0)", "Length must be 1 to 256"),
        ("RandomString(0,0,0,0,0)", "Length must be 1 to 256"),
        ("RandomString(3,2,2,0,0)", "more than Length"),
        ("RandomString(4,-1,0,0,0)", "0 or more"),
        ('RandomString(4,1,0,0,0,"0123456789")', "excludes every numbers character"),
    ],
)
def test_random_string_rejects_impossible_requests(expression: str, message: str) -> None:
    """Impossible RandomString arguments give an evaluation error that says why."""
    with pytest.raises(ExpressionEvaluationError, match=message):
        compile_expression(expression).evaluate({})


def test_redact_of_a_random_string_flows_the_value() -> None:
    """Redact(RandomString(...)) hides a value that is still a valid random string."""
    result = compile_expression("Redact(RandomString(6,3,0,0,3))").evaluate({})
    assert isinstance(result, Redacted)
    assert isinstance(result.value, str)
    assert len(result.value) == 6


def test_select_unique_value_asks_the_callback_in_order() -> None:
    """SelectUniqueValue checks candidates in order and stops at the first unique one."""
    asked: list[str] = []

    def is_unique(value: str) -> bool:
        asked.append(value)
        return value == "b@x"

    context = EvaluationContext(is_unique=is_unique)
    expression = compile_expression('SelectUniqueValue("a@x", "b@x", "c@x")')
    assert expression.evaluate({}, context=context) == "b@x"
    assert asked == ["a@x", "b@x"]


def test_app_roles_come_from_the_context() -> None:
    """SingleAppRoleAssignment reads the context's roles when the attribute is absent."""
    context = EvaluationContext(app_role_assignments=[AppRoleAssignment(value="Admin")])
    result = compile_expression("SingleAppRoleAssignment([appRoleAssignments])").evaluate(
        {}, context=context
    )
    assert result == "Admin"


def test_explain_shows_each_node_and_its_value() -> None:
    """explain() prints the tree with values and marks skipped branches."""
    expression = compile_expression('IIF([a] = "x", ToUpper([a]), "no")')
    lines = expression.explain({"a": "x"}).splitlines()
    assert lines[0] == 'IIF() -> "X"'
    assert '│  ├─ [a] -> "x"' in lines
    assert lines[-1] == '└─ "no" -> (not evaluated)'


def test_explain_hides_values_under_redact() -> None:
    """Nothing under a Redact call shows its real value in the explanation."""
    text = compile_expression("Redact(ToLower([p]))").explain({"p": "SECRET"})
    assert "SECRET" not in text
    assert "secret" not in text


def test_value_to_text_renders_dates_the_service_way() -> None:
    """Dates flow as M/d/yyyy h:mm:ss tt in UTC."""
    moment = datetime(2012, 1, 1, 23, 0, tzinfo=UTC)
    assert expression_value_to_text(moment) == "1/1/2012 11:00:00 PM"
