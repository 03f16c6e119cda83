"""Hypothesis fuzz of the parser and evaluator: only ExpressionError subclasses escape."""

from __future__ import annotations

import contextlib
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldapconnector.errors import ExpressionError
from ldapconnector.expressions import EvaluationContext, compile_expression

SEEDS = [
    'Join("", "CN=", Word([userPrincipalName], 1, "@"), ",DC=Contoso,DC=lab")',
    'Replace([tel], , "\\\\+(?<isd>\\\\d* )(?<phone>\\\\d{10})", , "${phone}", , )',
    'IIF(Len([LastName]) <= 5, Left(Join("",[LastName],[FirstName]),10), Mid([FirstName],1,1))',
    'Switch([a], , "1", IIF(DateDiff("d", Now(), CDate([d])) > 5, "F", "T"), "0", "F")',
    'FormatDateTime([d], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")',
    'SelectUniqueValue(Join("@", [a], "x.com"), Join("@", [b], "x.com"))',
    'InStr("repEated","e",3,vbBinaryCompare)',
    "BitAnd(&HF, &HF7)",
    'RandomString(10,2,2,2,1,"?,")',
    'IgnoreFlowIfNullOrEmpty(Redact(NormalizeDiacritics(PCase([x], " -"))))',
]
TOKENS = [
    "(",
    ")",
    ",",
    "[a]",
    "[b]",
    '"x"',
    '""',
    "1",
    "-2",
    "0",
    "2.5",
    "&HF",
    "=",
    "<>",
    "<=",
    ">",
    "vbTextCompare",
    "Join",
    "Word",
    "Mid",
    "IIF",
    "Switch",
    "Replace",
    "CDate",
    "DateAdd",
    "Item",
    "Split",
    "Coalesce",
    "Not",
    "Redact",
    "DateFromNum",
    "FormatDateTime",
    " ",
    "\n",
    '"\\"',
    "[",
    "]",
    "&H",
    '"yyyy"',
    '"d"',
    '"(?<g>x)"',
    "RandomString",
    "Left",
]
ATTRIBUTE_VALUES = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.lists(st.text(max_size=6), max_size=3),
    st.sampled_from(["2012-03-16-07:00", "129699324000000000", "1/2/2020", "", "(", "True"]),
)
ATTRIBUTES = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(("a", "b", "x", "d", "userPrincipalName"), ATTRIBUTE_VALUES),
)
CONTEXT = EvaluationContext(random=random.Random(1), default_domain="contoso.com")  # noqa: S311


def _run(source: str, attributes: dict[str, object]) -> None:
    with contextlib.suppress(ExpressionError):
        compile_expression(source).evaluate(attributes, context=CONTEXT)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.text(max_size=60), attributes=ATTRIBUTES)
def test_random_text_raises_only_expression_errors(
    source: str, attributes: dict[str, object]
) -> None:
    """Arbitrary text either evaluates or raises an ExpressionError, never anything else."""
    _run(source, attributes)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.sampled_from(TOKENS), max_size=25), attributes=ATTRIBUTES)
def test_token_soup_raises_only_expression_errors(
    parts: list[str], attributes: dict[str, object]
) -> None:
    """Random sequences of real tokens evaluate or raise an ExpressionError only."""
    _run("".join(parts), attributes)


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    source = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(source)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            source = source[:position] + source[position + 1 :]
        elif action == "insert":
            source = source[:position] + draw(st.sampled_from(TOKENS)) + source[position:]
        else:
            source = source[:position] + source[position : position + 8] + source[position:]
    return source


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=_mutated(), attributes=ATTRIBUTES)
def test_mutated_documented_expressions_raise_only_expression_errors(
    source: str, attributes: dict[str, object]
) -> None:
    """Documented expressions with random edits evaluate or raise an ExpressionError only."""
    _run(source, attributes)


@settings(max_examples=50, deadline=None)
@given(depth=st.integers(min_value=1, max_value=3000), name=st.sampled_from(["ToLower", "Not"]))
def test_any_nesting_depth_is_handled(depth: int, name: str) -> None:
    """Deep nesting never blows the recursion limit; it evaluates or is refused cleanly."""
    _run(f"{name}(" * depth + "[a]" + ")" * depth, {"a": "X"})
