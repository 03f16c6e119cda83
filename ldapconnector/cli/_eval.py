"""``ldapconnector eval``: evaluate one attribute-mapping expression and print the result."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from ldapconnector.errors import ExpressionSyntaxError
from ldapconnector.expressions import (
    EvaluationContext,
    compile_expression,
    expression_value_to_json,
    installed_functions,
)

EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``eval`` sub-command."""
    parser = subparsers.add_parser(
        "eval",
        help="evaluate an attribute-mapping expression and print the result as JSON",
        description=(
            "Evaluate an Entra ID attribute-mapping expression. The result is printed as "
            'JSON: lists as arrays, dates in ISO 8601, {"doNotFlow": true} when '
            "IgnoreFlowIfNullOrEmpty drops the attribute, and "
            '{"redacted": "[Redact]"} for Redact().'
        ),
    )
    parser.add_argument("expression", help="the expression, e.g. 'ToLower([mail])'")
    parser.add_argument(
        "--attributes",
        default="{}",
        metavar="JSON",
        help='the source attributes as a JSON object, e.g. \'{"mail": "A@B.C"}\'',
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the parsed tree with each node's value"
    )
    parser.add_argument("--default-domain", help="the domain DefaultDomain() returns")
    parser.add_argument("--now", help="the time Now() returns (ISO 8601; default: the clock)")
    parser.add_argument(
        "--taken",
        action="append",
        default=[],
        metavar="VALUE",
        help="a value SelectUniqueValue must treat as taken (repeatable)",
    )
    parser.set_defaults(handler=run)


def _usage_error(message: str) -> int:
    print(f"ldapconnector eval: {message}", file=sys.stderr)
    return EXIT_USAGE


def _context(args: argparse.Namespace) -> EvaluationContext | str:
    clock = None
    if args.now:
        try:
            moment = datetime.fromisoformat(args.now)
        except ValueError:
            return f"--now: not an ISO 8601 date/time: {args.now!r}"
        fixed = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        clock = lambda: fixed  # noqa: E731 - a one-line clock
    taken = frozenset(args.taken)
    if clock is None:
        return EvaluationContext(
            default_domain=args.default_domain,
            is_unique=(lambda value: value not in taken) if taken else None,
        )
    return EvaluationContext(
        clock=clock,
        default_domain=args.default_domain,
        is_unique=(lambda value: value not in taken) if taken else None,
    )


def run(args: argparse.Namespace) -> int:
    """Compile, evaluate and print; exit 2 for a bad expression or bad --attributes."""
    try:
        attributes = json.loads(args.attributes)
    except json.JSONDecodeError as exc:
        return _usage_error(f"--attributes is not valid JSON: {exc}")
    if not isinstance(attributes, dict):
        return _usage_error("--attributes must be a JSON object of attribute names to values")
    context = _context(args)
    if isinstance(context, str):
        return _usage_error(context)
    try:
        expression = compile_expression(args.expression, functions=installed_functions())
    except ExpressionSyntaxError as exc:
        return _usage_error(f"syntax error: {exc}")
    if args.explain:
        print(expression.explain(attributes, context=context))
        return 0
    value = expression.evaluate(attributes, context=context)
    print(json.dumps(expression_value_to_json(value), ensure_ascii=False))
    return 0
