"""The examples in docs/expressions.md run and give the results shown."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.errors import ExpressionError
from ldapconnector.expressions import (
    EvaluationContext,
    _functions_ldap,
    compile_expression,
    expression_value_to_json,
)
from ldapconnector.expressions._compiler import FUNCTIONS

DOC = Path(__file__).parents[2] / "docs" / "expressions.md"
BLOCK = re.compile(r"^```example\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _examples() -> list[Any]:
    found = []
    for block in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        given: dict[str, Any] = {}
        context: dict[str, Any] = {}
        for line in block.splitlines():
            if line.startswith("given: "):
                given = json.loads(line.removeprefix("given: "))
            elif line.startswith("context: "):
                context = json.loads(line.removeprefix("context: "))
            else:
                expression, _, expected = line.rpartition(" → ")
                found.append(pytest.param(given, context, expression, expected, id=expression))
    return found


EXAMPLES = _examples()


def _context(spec: dict[str, Any]) -> EvaluationContext:
    now = datetime.fromisoformat(spec.get("now", "2021-08-25T17:41:18+00:00"))
    taken = frozenset(spec.get("taken", ()))
    return EvaluationContext(
        clock=lambda: now,
        default_domain=spec.get("default_domain"),
        is_unique=lambda value: value not in taken,
        random=random.Random(spec.get("seed", 0)),  # noqa: S311 - deterministic docs
    )


@pytest.mark.parametrize(("given", "context", "expression", "expected"), EXAMPLES)
def test_documented_example(
    given: dict[str, Any], context: dict[str, Any], expression: str, expected: str
) -> None:
    """The example evaluates to the JSON shown, matches the pattern, or fails as shown."""
    assert expression, "an example line needs 'EXPRESSION → RESULT'"
    if expected.startswith("error: "):
        with pytest.raises(ExpressionError, match=re.escape(expected.removeprefix("error: "))):
            compile_expression(expression).evaluate(given, context=_context(context))
        return
    value = compile_expression(expression).evaluate(given, context=_context(context))
    if expected.startswith("matches: "):
        assert isinstance(value, str)
        assert re.fullmatch(expected.removeprefix("matches: "), value)
    else:
        assert expression_value_to_json(value, reveal_redacted=True) == json.loads(expected)


def test_every_function_has_a_section_and_an_example() -> None:
    """Each registered function has a heading, its signature's name, and a runnable example."""
    text = DOC.read_text(encoding="utf-8")
    examples = " ".join(str(p.values[2]) for p in EXAMPLES)
    missing = [
        spec.name
        for spec in FUNCTIONS.values()
        if f"### {spec.name}\n" not in text or f"{spec.name}(" not in examples
    ]
    assert missing == []


def test_reference_covers_all_45_documented_functions_and_the_extensions() -> None:
    """The function table holds the 45 functions of Microsoft's page plus ldapconnector's own."""
    documented = [
        "Append",
        "AppRoleAssignmentsComplex",
        "BitAnd",
        "CBool",
        "CDate",
        "Coalesce",
        "ConvertToBase64",
        "ConvertToUTF8Hex",
        "Count",
        "CStr",
        "DateAdd",
        "DateDiff",
        "DateFromNum",
        "DefaultDomain",
        "FormatDateTime",
        "Guid",
        "IgnoreFlowIfNullOrEmpty",
        "IIF",
        "InStr",
        "IsNull",
        "IsNullOrEmpty",
        "IsPresent",
        "IsString",
        "Item",
        "Join",
        "Left",
        "Len",
        "Mid",
        "NormalizeDiacritics",
        "Not",
        "Now",
        "NumFromDate",
        "PCase",
        "RandomString",
        "Redact",
        "RemoveDuplicates",
        "Replace",
        "SelectUniqueValue",
        "SingleAppRoleAssignment",
        "Split",
        "StripSpaces",
        "Switch",
        "ToLower",
        "ToUpper",
        "Word",
    ]
    extensions = [spec.name for spec in _functions_ldap.FUNCTIONS]
    assert len(documented) == 45
    assert sorted(s.name for s in FUNCTIONS.values()) == sorted(documented + extensions)


def test_extensions_are_documented_as_such() -> None:
    """Each function beyond Microsoft's list has its section under "ldapconnector extensions"."""
    text = DOC.read_text(encoding="utf-8")
    _, found, extensions_part = text.partition("\n## ldapconnector extensions\n")
    assert found
    section = extensions_part.partition("\n## ")[0]
    missing = [s.name for s in _functions_ldap.FUNCTIONS if f"### {s.name}\n" not in section]
    assert missing == []


def test_every_function_has_compliance_cases() -> None:
    """Each function is exercised by the JSON compliance suite."""
    data = Path(__file__).parents[1] / "data" / "expressions"
    corpus = " ".join(p.read_text(encoding="utf-8") for p in data.glob("*.json"))
    missing = [s.name for s in FUNCTIONS.values() if f"{s.name}(" not in corpus]
    assert missing == []
