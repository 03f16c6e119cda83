"""Errors: syntax errors point at the fault, run-time errors name the function and value."""

from __future__ import annotations

import pytest

from ldapconnector.errors import ExpressionError, ExpressionEvaluationError, ExpressionSyntaxError
from ldapconnector.expressions import _functions_replace, compile_expression


def test_syntax_error_draws_a_caret_under_the_fault() -> None:
    """The message shows the offending line with a caret under the faulty character."""
    with pytest.raises(ExpressionSyntaxError) as info:
        compile_expression('Join("", [a] "b")')
    assert info.value.position == 13
    lines = str(info.value).splitlines()
    assert lines[1] == '  Join("", [a] "b")'
    assert lines[2] == "  " + " " * 13 + "^"


def test_syntax_error_on_a_later_line_reports_line_and_column() -> None:
    """Multi-line expressions report the line and column and show only that line."""
    source = 'Switch([a], ,\n  "1", Bogus([b]),\n  "0", "x")'
    with pytest.raises(ExpressionSyntaxError) as info:
        compile_expression(source)
    assert info.value.position == source.index("Bogus")
    assert "line 2, column 8" in str(info.value)
    assert '  "1", Bogus([b]),' in str(info.value)


def test_unknown_function_suggests_the_closest_name() -> None:
    """An unknown function is a compile error with a did-you-mean from difflib."""
    with pytest.raises(ExpressionSyntaxError, match="did you mean NormalizeDiacritics"):
        compile_expression("NormaliseDiacritics([givenName])")


def test_unknown_function_without_a_close_name_has_no_suggestion() -> None:
    """A name like no known function gets no misleading suggestion."""
    with pytest.raises(ExpressionSyntaxError) as info:
        compile_expression("Zzzzzz([a])")
    assert "did you mean" not in str(info.value)


def test_wrong_arity_is_a_compile_error_naming_the_signature() -> None:
    """Calling Word with two arguments fails before evaluation, quoting the signature."""
    with pytest.raises(ExpressionSyntaxError, match=r"Word\(String, WordNumber, Delimiters\)"):
        compile_expression("Word([a], 1)")


def test_expression_at_the_length_limit_compiles() -> None:
    """An expression of exactly 10,000 characters is accepted."""
    source = '"' + "x" * 9998 + '"'
    assert len(source) == 10_000
    assert compile_expression(source).evaluate({}) == "x" * 9998


def test_expression_over_the_length_limit_is_refused() -> None:
    """One character more than 10,000 is a syntax error at position 10,000."""
    source = '"' + "x" * 9999 + '"'
    with pytest.raises(ExpressionSyntaxError, match="limit is 10,000") as info:
        compile_expression(source)
    assert info.value.position == 10_000


def test_deep_nesting_is_refused_with_a_clear_error() -> None:
    """Nesting beyond the depth limit fails cleanly instead of exhausting the stack."""
    source = "ToLower(" * 200 + "[a]" + ")" * 200
    with pytest.raises(ExpressionSyntaxError, match="nests deeper than 64"):
        compile_expression(source)


def test_nesting_at_the_depth_limit_still_works() -> None:
    """Sixty-four nested calls compile and evaluate."""
    source = "ToLower(" * 64 + "[a]" + ")" * 64
    assert compile_expression(source).evaluate({"a": "ABC"}) == "abc"


def test_runtime_error_names_function_and_value() -> None:
    """CDate on garbage raises an evaluation error naming CDate and the bad input."""
    expression = compile_expression("CDate([hire])")
    with pytest.raises(ExpressionEvaluationError) as info:
        expression.evaluate({"hire": "next tuesday-ish"})
    assert info.value.function == "CDate"
    assert info.value.value == "'next tuesday-ish'"
    assert "next tuesday-ish" in str(info.value)


def test_runtime_error_in_a_nested_call_names_the_inner_function() -> None:
    """The error comes from the function that failed, not from the outer call."""
    with pytest.raises(ExpressionEvaluationError) as info:
        compile_expression('Join(",", Mid([a], 0, 2))').evaluate({"a": "abc"})
    assert info.value.function == "Mid"


def test_invalid_runtime_regex_is_an_evaluation_error() -> None:
    """A pattern read from an attribute is checked when used and reported clearly."""
    expression = compile_expression('Replace([a], , [pattern], , "x", , )')
    with pytest.raises(ExpressionEvaluationError, match="invalid regexPattern"):
        expression.evaluate({"a": "abc", "pattern": "(["})


def test_unsupported_attribute_value_type_is_an_evaluation_error() -> None:
    """A caller passing an object the value model does not know gets a clear error."""
    with pytest.raises(ExpressionEvaluationError, match="cannot use a object value as text"):
        compile_expression("ToLower([a])").evaluate({"a": object()})


def test_all_expression_errors_share_the_base_class() -> None:
    """Both error kinds can be caught as ExpressionError."""
    assert issubclass(ExpressionSyntaxError, ExpressionError)
    assert issubclass(ExpressionEvaluationError, ExpressionError)


def test_folding_does_not_hide_a_constant_error_until_run_time() -> None:
    """A constant call that fails compiles, then fails when evaluated, with its own error."""
    expression = compile_expression('Mid("abc", 0, 1)')
    with pytest.raises(ExpressionEvaluationError, match="1-based"):
        expression.evaluate({})


@pytest.mark.parametrize(
    ("prefix", "literal"),
    [
        ("", "9" * 4301),
        ("", "-" + "9" * 4301),
        ('Join("", ', "9" * 20),
        ('Join("", ', "&H" + "F" * 4000),
        ("BitAnd(1, ", "&H" + "1" + "0" * 16),
        ('Join("", ', "1" + "0" * 400 + ".5"),
    ],
    ids=["4301-digits", "negative-4301-digits", "20-digits", "huge-hex", "65-bit-hex", "inf"],
)
def test_out_of_range_literals_are_syntax_errors_at_their_position(
    prefix: str, literal: str
) -> None:
    """Numbers too big for 64 bits (or a double) are refused where they start, not ValueError."""
    source = prefix + literal + (")" if prefix else "")
    with pytest.raises(ExpressionSyntaxError) as info:
        compile_expression(source)
    assert info.value.position == len(prefix)
    assert "literal" in info.value.reason


CATASTROPHIC = "(a|aa)+$"
"""Exponential backtracking on a run of a's that does not end the value."""


@pytest.mark.parametrize(
    "source",
    [
        f'Replace([a], , "{CATASTROPHIC}", , "x", , )',
        f'Replace([a], , "(?<g>{CATASTROPHIC})", "g", "x", , )',
        f'Replace([empty], , "(?<g>{CATASTROPHIC})", "g", , [a], )',
    ],
    ids=["regex", "regex-group", "regex-fallback"],
)
def test_catastrophic_pattern_times_out_naming_function_and_pattern(source: str) -> None:
    """A backtracking pattern is stopped after REGEX_TIMEOUT and reported, not run for ages."""
    expression = compile_expression(source)
    with pytest.raises(ExpressionEvaluationError) as info:
        expression.evaluate({"a": "a" * 40 + "!", "empty": ""})
    assert info.value.function == "Replace"
    timeout = _functions_replace.REGEX_TIMEOUT
    assert f"gave up after {timeout:g} s on a 41-character value" in str(info.value)
    assert CATASTROPHIC in str(info.value)


def test_timed_out_pattern_is_shown_truncated() -> None:
    """A long pattern in the timeout message is cut with a marker, not repeated whole."""
    pattern = CATASTROPHIC + "|" + "z" * 500
    expression = compile_expression('Replace([a], , [p], , "x", , )')
    with pytest.raises(ExpressionEvaluationError, match="gave up") as info:
        expression.evaluate({"a": "a" * 40 + "!", "p": pattern})
    assert "z" * 100 not in str(info.value)
    assert "..." in str(info.value)


def test_constant_catastrophic_replace_keeps_its_compile_time_error() -> None:
    """Folding at compile time keeps the timeout error: each evaluation raises a fresh copy."""
    expression = compile_expression(f'Replace("{"a" * 40}!", , "{CATASTROPHIC}", , "y", , )')
    with pytest.raises(ExpressionEvaluationError, match="gave up") as first:
        expression.evaluate({})
    with pytest.raises(ExpressionEvaluationError, match="gave up") as second:
        expression.evaluate({})
    assert str(first.value) == str(second.value)
    assert first.value is not second.value
    assert second.value.function == "Replace"


@pytest.mark.parametrize(
    "pattern", ["(" * 3000 + ")" * 3000, "a{99999999999999999999}", "\\N{NO SUCH NAME}"]
)
def test_hostile_runtime_pattern_is_an_invalid_pattern_error(pattern: str) -> None:
    """Patterns that break the regex parser (deep nesting, huge counts) are reported as invalid."""
    expression = compile_expression('Replace([a], , [p], , "x", , )')
    with pytest.raises(ExpressionEvaluationError, match="invalid regexPattern"):
        expression.evaluate({"a": "abc", "p": pattern})
