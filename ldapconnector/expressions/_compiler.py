"""Turn a node tree into nested Python closures, once.

Binding happens here: function names are resolved against the registry in use
(case-insensitively, with a did-you-mean from that registry for unknown ones), argument
counts and required arguments are checked, and each call gets the implementation its
binder chose. Calls whose arguments are all constants are folded; the closures for the
rest take only the dynamic arguments.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from ldapconnector.errors import ExpressionError, ExpressionEvaluationError, ExpressionSyntaxError
from ldapconnector.expressions import _functions_logic
from ldapconnector.expressions._builtins import default_functions
from ldapconnector.expressions._nodes import (
    AttributeRef,
    Call,
    Comparison,
    Constant,
    Literal,
    Node,
    Omitted,
    children,
)
from ldapconnector.expressions._registry import (
    ArgInfo,
    BindError,
    CallMode,
    EvaluationContext,
    Evaluator,
    FunctionRegistry,
    FunctionSpec,
    Impl,
)
from ldapconnector.expressions._values import DO_NOT_FLOW, Redacted

FUNCTIONS: Mapping[str, FunctionSpec] = MappingProxyType(
    {spec.name.lower(): spec for spec in default_functions()}
)
"""Every built-in function, keyed by lower-cased name (read-only)."""

# Python errors an implementation may hit on bad input; they become evaluation errors.
_INPUT_ERRORS = (ValueError, TypeError, ArithmeticError, LookupError, re.error, RecursionError)

Trace = dict[int, object]
"""Values recorded per node (keyed by ``id(node)``) while explaining an evaluation."""


class _Compiled:
    __slots__ = ("constant", "fn", "value")

    def __init__(self, fn: Evaluator, constant: bool = False, value: object = None) -> None:
        self.fn = fn
        self.constant = constant
        self.value = value


def _const(value: object) -> _Compiled:
    return _Compiled(lambda _a, _c: value, True, value)


class Compiler:
    """Compile one expression's tree; see :func:`compile_tree`."""

    def __init__(
        self, source: str, trace: Trace | None = None, functions: FunctionRegistry | None = None
    ) -> None:
        self.source = source
        self.trace = trace
        self.functions = functions if functions is not None else default_functions()

    def error(self, reason: str, node: Node) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(reason, source=self.source, position=node.start)

    def compile(self, node: Node, top: bool = False) -> _Compiled:
        compiled = self._compile(node, top)
        if self.trace is None:
            return compiled
        inner, trace, key = compiled.fn, self.trace, id(node)

        def traced(attributes: Mapping[str, object], context: EvaluationContext) -> object:
            value = inner(attributes, context)
            trace[key] = value
            return value

        return _Compiled(traced)

    def _compile(self, node: Node, top: bool) -> _Compiled:
        if isinstance(node, Literal | Constant):
            return _const(node.value)
        if isinstance(node, Omitted):
            return _const(None)
        if isinstance(node, AttributeRef):
            name = node.name
            return _Compiled(lambda attributes, _c: attributes.get(name))
        if isinstance(node, Comparison):
            return self._comparison(node)
        return self._call(node, top)

    def _comparison(self, node: Comparison) -> _Compiled:
        compare, operator = _functions_logic.compare, node.operator
        left, right = self.compile(node.left), self.compile(node.right)
        lf, rf = left.fn, right.fn

        def comparison(attributes: Mapping[str, object], context: EvaluationContext) -> object:
            return compare(operator, lf(attributes, context), rf(attributes, context))

        return self._maybe_fold(_Compiled(comparison), (left, right), pure=True)

    def _resolve(self, node: Call, top: bool) -> FunctionSpec:
        spec = self.functions.get(node.name)
        if spec is None:
            close = self.functions.suggest(node.name)
            hint = f"; did you mean {close}?" if close else ""
            raise self.error(f"unknown function {node.name!r}{hint}", node)
        problem = spec.arity_problem(len(node.args))
        if problem:
            raise self.error(problem, node)
        for index, arg in enumerate(node.args):
            if isinstance(arg, Omitted) and spec.is_required(index):
                raise self.error(
                    f"argument {spec.param_name(index)!r} of {spec.name} is required "
                    "but was left empty",
                    arg,
                )
        if spec.top_level_only and not top:
            raise self.error(f"{spec.name} must wrap the whole expression", node)
        return spec

    def _call(self, node: Call, top: bool) -> _Compiled:
        spec = self._resolve(node, top)
        args = [self.compile(arg) for arg in node.args]
        infos = tuple(
            ArgInfo(present=not isinstance(a, Omitted), constant=c.constant, value=c.value)
            for a, c in zip(node.args, args, strict=True)
        )
        impl = spec.impl
        if spec.binder is not None:
            try:
                impl = spec.binder(infos)
            except BindError as exc:
                at = node if exc.argument is None else node.args[exc.argument]
                raise self.error(str(exc), at) from None
        if spec.mode is CallMode.LAZY:
            fns = tuple(
                None if isinstance(a, Omitted) else c.fn
                for a, c in zip(node.args, args, strict=True)
            )
            return _Compiled(_guard(spec.name, _lazy(impl, fns)))
        if spec.mode is CallMode.CONTEXT:
            compiled = _Compiled(_guard(spec.name, _with_context(impl, [c.fn for c in args])))
        elif any(_redacts(a) for a in node.args) and spec.name != "Redact":
            compiled = _Compiled(_guard(spec.name, _tainted(impl, [c.fn for c in args])))
        else:
            compiled = _Compiled(_guard(spec.name, _eager(impl, args)))
        return self._maybe_fold(compiled, args, pure=spec.pure and spec.mode is CallMode.EAGER)

    def _maybe_fold(
        self, compiled: _Compiled, args: tuple[_Compiled, ...] | list[_Compiled], *, pure: bool
    ) -> _Compiled:
        if self.trace is not None or not pure or not all(a.constant for a in args):
            return compiled
        try:
            return _const(compiled.fn({}, _FOLD_CONTEXT))
        except ExpressionEvaluationError as exc:
            # A pure call on constants fails the same way every time: raise (a copy of) the
            # same error at run time instead of running it again (a regex timeout is slow).
            return _Compiled(_raiser(exc))
        except ExpressionError:
            return compiled  # fails at run time, with the run-time error


_FOLD_CONTEXT = EvaluationContext()


def _raiser(error: ExpressionEvaluationError) -> Evaluator:
    def fail(_attributes: Mapping[str, object], _context: EvaluationContext) -> object:
        raise copy.copy(error)

    return fail


def _redacts(node: Node) -> bool:
    if isinstance(node, Call) and node.name.lower() == "redact":
        return True
    return any(_redacts(child) for child in children(node))


def _guard(name: str, fn: Evaluator) -> Evaluator:
    def guarded(attributes: Mapping[str, object], context: EvaluationContext) -> object:
        try:
            return fn(attributes, context)
        except _INPUT_ERRORS as exc:
            raise ExpressionEvaluationError(f"cannot evaluate: {exc}", function=name) from exc

    return guarded


def _lazy(impl: Impl, fns: tuple[Evaluator | None, ...]) -> Evaluator:
    return lambda attributes, context: impl(attributes, context, *fns)


def _with_context(impl: Impl, fns: list[Evaluator]) -> Evaluator:
    return lambda attributes, context: impl(context, *(f(attributes, context) for f in fns))


def _tainted(impl: Impl, fns: list[Evaluator]) -> Evaluator:
    """Unwrap Redacted arguments, and mark the result Redacted when any argument was."""

    def call(attributes: Mapping[str, object], context: EvaluationContext) -> object:
        hidden = False
        plain: list[object] = []
        for fn in fns:
            value = fn(attributes, context)
            if isinstance(value, Redacted):
                hidden, value = True, value.value
            plain.append(value)
        result = impl(*plain)
        if hidden and result is not DO_NOT_FLOW and not isinstance(result, Redacted):
            return Redacted(result)
        return result

    return call


def _eager(impl: Impl, args: list[_Compiled]) -> Evaluator:
    """Build the leanest closure: constants are bound now, only dynamic args are called."""
    dynamic = [i for i, a in enumerate(args) if not a.constant]
    if not dynamic:
        values = tuple(a.value for a in args)
        return lambda _a, _c: impl(*values)
    if len(dynamic) == 1:
        return _one_dynamic(impl, args, dynamic[0])
    if len(dynamic) == len(args) == 2:
        f0, f1 = args[0].fn, args[1].fn
        return lambda a, c: impl(f0(a, c), f1(a, c))
    template = [a.value for a in args]
    slots = tuple((i, args[i].fn) for i in dynamic)

    def call(attributes: Mapping[str, object], context: EvaluationContext) -> object:
        values = template.copy()
        for index, fn in slots:
            values[index] = fn(attributes, context)
        return impl(*values)

    return call


def _one_dynamic(impl: Impl, args: list[_Compiled], index: int) -> Evaluator:
    before = tuple(a.value for a in args[:index])
    after = tuple(a.value for a in args[index + 1 :])
    fn: Callable[[Mapping[str, object], Any], object] = args[index].fn
    if not before and not after:
        return lambda a, c: impl(fn(a, c))
    if not before:
        return lambda a, c: impl(fn(a, c), *after)
    if not after:
        return lambda a, c: impl(*before, fn(a, c))
    return lambda a, c: impl(*before, fn(a, c), *after)


def compile_tree(
    source: str,
    tree: Node,
    trace: Trace | None = None,
    functions: FunctionRegistry | None = None,
) -> Evaluator:
    """Compile ``tree`` (parsed from ``source``) into one evaluator closure.

    Args:
        source: the expression text, for error messages.
        tree: the parsed tree.
        trace: when given, every node's value is recorded in it (no folding).
        functions: the registry calls are bound against (default: the built-ins).

    Raises:
        ExpressionSyntaxError: unknown function, wrong arity, a required argument left
            empty, a top-level-only function nested, or an invalid constant argument.
    """
    return Compiler(source, trace, functions).compile(tree, top=True).fn
