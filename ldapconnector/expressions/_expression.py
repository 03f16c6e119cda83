"""The public entry points: compile once, evaluate many times."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import attrs

from ldapconnector.expressions._builtins import default_functions
from ldapconnector.expressions._compiler import Trace, compile_tree
from ldapconnector.expressions._nodes import AttributeRef, Call, Node, children, describe
from ldapconnector.expressions._parser import parse
from ldapconnector.expressions._registry import (
    DEFAULT_CONTEXT,
    EvaluationContext,
    Evaluator,
    FunctionRegistry,
    FunctionSpec,
)
from ldapconnector.expressions._values import to_json

_NOT_EVALUATED = object()


@attrs.frozen
class Expression:
    """A compiled expression; evaluate it against one object's attributes at a time.

    Attributes:
        source: the expression text.
        tree: the parsed node tree.
        functions: the registry its calls were bound against (None: the built-ins).
    """

    source: str
    tree: Node = attrs.field(repr=False)
    _evaluator: Evaluator = attrs.field(repr=False, eq=False, alias="evaluator")
    functions: FunctionRegistry | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def attribute_names(self) -> frozenset[str]:
        """The names of every ``[attribute]`` the expression reads."""
        found: set[str] = set()
        pending: list[Node] = [self.tree]
        while pending:
            node = pending.pop()
            if isinstance(node, AttributeRef):
                found.add(node.name)
            pending.extend(children(node))
        return frozenset(found)

    @property
    def calls(self) -> tuple[FunctionSpec, ...]:
        """The functions the expression calls, as its registry binds them (each once).

        With :attr:`FunctionSpec.pure`, this tells whether equal attributes always give an
        equal result: the export keys its memo of unchanged users on that.
        """
        registry = self.functions if self.functions is not None else default_functions()
        found: dict[str, FunctionSpec] = {}
        pending: list[Node] = [self.tree]
        while pending:
            node = pending.pop()
            if isinstance(node, Call):
                spec = registry.get(node.name)
                if spec is not None:  # always bound: the expression compiled
                    found.setdefault(spec.name, spec)
            pending.extend(children(node))
        return tuple(found.values())

    def evaluate(
        self, attributes: Mapping[str, object], *, context: EvaluationContext | None = None
    ) -> object:
        """Evaluate against ``attributes`` (name -> value; lists for multi-valued ones).

        Args:
            attributes: the source object's attributes; a missing name is null.
            context: clock, default domain, uniqueness check and random source; the
                default uses the system clock and OS randomness and has no domain.

        Returns:
            The value: ``None`` (null), str, int, float, bool, datetime, a list, a
            :class:`Redacted` wrapper, or :data:`DO_NOT_FLOW`.

        Raises:
            ExpressionEvaluationError: a function failed on its input.
        """
        return self._evaluator(attributes, context or DEFAULT_CONTEXT)

    def explain(
        self, attributes: Mapping[str, object], *, context: EvaluationContext | None = None
    ) -> str:
        """Return the parsed tree, one node a line, each with the value it produced.

        Values under ``Redact`` show as ``[Redact]``; branches a condition skipped show
        ``(not evaluated)``.

        Raises:
            ExpressionEvaluationError: as :meth:`evaluate` does.
        """
        trace: Trace = {}
        evaluator = compile_tree(self.source, self.tree, trace, self.functions)
        evaluator(attributes, context or DEFAULT_CONTEXT)
        lines: list[str] = []
        _render(self.tree, trace, lines, "", "", hidden=False)
        return "\n".join(lines)


def _render(
    node: Node, trace: Trace, lines: list[str], lead: str, child_lead: str, *, hidden: bool
) -> None:
    import json

    value = trace.get(id(node), _NOT_EVALUATED)
    if value is _NOT_EVALUATED:
        shown = "(not evaluated)"
    elif hidden:
        shown = '"[Redact]"'
    else:
        shown = json.dumps(to_json(value), ensure_ascii=False)
    lines.append(f"{lead}{describe(node)} -> {shown}")
    hidden = hidden or (isinstance(node, Call) and node.name.lower() == "redact")
    kids = children(node)
    for index, child in enumerate(kids):
        last = index == len(kids) - 1
        _render(
            child,
            trace,
            lines,
            child_lead + ("└─ " if last else "├─ "),
            child_lead + ("   " if last else "│  "),
            hidden=hidden,
        )


def compile_expression(source: str, *, functions: FunctionRegistry | None = None) -> Expression:
    """Parse and compile an attribute-mapping expression.

    Args:
        source: the expression, e.g. ``Join("@", [mailNickname], "contoso.com")``.
        functions: the functions calls may name (default: :func:`default_functions`,
            the built-ins); an unknown name's did-you-mean comes from this registry.

    Returns:
        The compiled :class:`Expression`.

    Raises:
        ExpressionSyntaxError: the text is malformed, names an unknown function, calls
            one with the wrong number of arguments, or has a bad literal; ``.position``
            is the offending offset and ``str()`` draws a caret under it.
    """
    if not isinstance(source, str):
        raise TypeError(f"an expression is a str, not {type(source).__name__}")
    tree = parse(source)
    return Expression(source, tree, compile_tree(source, tree, None, functions), functions)


@functools.lru_cache(maxsize=1024)
def _cached(source: str, functions: FunctionRegistry | None) -> Expression:
    return compile_expression(source, functions=functions)


def evaluate_expression(
    source: str,
    attributes: Mapping[str, object],
    *,
    context: EvaluationContext | None = None,
    functions: FunctionRegistry | None = None,
) -> object:
    """Compile ``source`` (cached per registry) and evaluate it against ``attributes``.

    Args:
        source: the expression text.
        attributes: the source object's attributes.
        context: see :meth:`Expression.evaluate`.
        functions: see :func:`compile_expression`.

    Raises:
        ExpressionSyntaxError: see :func:`compile_expression`.
        ExpressionEvaluationError: see :meth:`Expression.evaluate`.
    """
    return _cached(source, functions).evaluate(attributes, context=context)
