"""Data-driven compliance suite: every case in ``tests/data/expressions/*.json``.

Each file is a list of groups ``{"given": {attributes}, "context": {...}?, "cases": [...]}``
(jmespath's compliance layout). A case has an ``expression`` and exactly one of:

- ``result``: the value as JSON (lists as arrays, dates ISO 8601, ``{"doNotFlow": true}``,
  ``{"redacted": value}``);
- ``text``: the string the value flows as (dates as ``M/d/yyyy h:mm:ss tt``), for the
  reference page's examples that show flowed text;
- ``error``: ``"syntax"`` or ``"evaluation"``, optionally with ``message`` (a substring of
  the error text) and, for syntax errors, ``position``.

``comment`` is free text; ``doc`` marks a case taken from Microsoft's reference page.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.errors import ExpressionEvaluationError, ExpressionSyntaxError
from ldapconnector.expressions import (
    AppRoleAssignment,
    EvaluationContext,
    compile_expression,
    expression_value_to_json,
    expression_value_to_text,
)

DATA = Path(__file__).parent.parent / "data" / "expressions"


def _context(spec: dict[str, Any]) -> EvaluationContext:
    now = datetime.fromisoformat(spec.get("now", "2021-08-25T17:41:18+00:00"))
    taken = frozenset(spec.get("taken", ()))
    roles = tuple(AppRoleAssignment(**role) for role in spec.get("app_roles", ()))
    return EvaluationContext(
        clock=lambda: now,
        default_domain=spec.get("default_domain"),
        is_unique=(lambda value: value not in taken) if "taken" in spec else None,
        app_role_assignments=roles,
        random=random.Random(spec.get("seed", 0)),  # noqa: S311 - deterministic tests
    )


def _load() -> list[Any]:
    params = []
    for path in sorted(DATA.glob("*.json")):
        groups = json.loads(path.read_text(encoding="utf-8"))
        for g_index, group in enumerate(groups):
            for c_index, case in enumerate(group["cases"]):
                case_id = f"{path.stem}-{g_index}.{c_index}-{case['expression'][:60]}"
                params.append(
                    pytest.param(group["given"], group.get("context", {}), case, id=case_id)
                )
    return params


CASES = _load()


def test_suite_is_not_empty() -> None:
    """The compliance data was found and holds a substantial number of cases."""
    assert len(CASES) > 300


@pytest.mark.parametrize(("given", "context", "case"), CASES)
def test_case(given: dict[str, Any], context: dict[str, Any], case: dict[str, Any]) -> None:
    """The expression gives the recorded result, flowed text or error."""
    kinds = [k for k in ("result", "text", "error") if k in case]
    assert len(kinds) == 1, f"a case needs exactly one of result/text/error, has {kinds}"
    expression = case["expression"]
    if case.get("error") == "syntax":
        with pytest.raises(ExpressionSyntaxError) as info:
            compile_expression(expression)
        if "position" in case:
            assert info.value.position == case["position"]
        assert case.get("message", "") in str(info.value)
        return
    compiled = compile_expression(expression)
    if case.get("error") == "evaluation":
        with pytest.raises(ExpressionEvaluationError) as failure:
            compiled.evaluate(given, context=_context(context))
        assert case.get("message", "") in str(failure.value)
        return
    value = compiled.evaluate(given, context=_context(context))
    if "text" in case:
        assert expression_value_to_text(value) == case["text"]
    else:
        assert expression_value_to_json(value, reveal_redacted=True) == case["result"]
