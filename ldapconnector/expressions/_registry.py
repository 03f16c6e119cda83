"""The declarative function table: names, parameters, and how each is called.

Every function is one :class:`FunctionSpec` row; a :class:`FunctionRegistry` is an
immutable set of rows (``default_functions()`` holds the built-in ones, and
``with_function`` returns a new registry with one more). The compiler checks the argument count
and the required arguments against ``params`` before anything runs, so wrong arity is a
compile error, and hands the implementation plain values (``EAGER``), the evaluation
context too (``CONTEXT``), or unevaluated argument thunks (``LAZY``: IIF, Switch, ...).
"""

from __future__ import annotations

import difflib
import enum
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from random import Random
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs

from ldapconnector.expressions._values import AppRoleAssignment

Evaluator: TypeAlias = Callable[[Mapping[str, object], "EvaluationContext"], object]
"""A compiled node: takes the attributes and the context, returns a value."""

Impl: TypeAlias = Callable[..., object]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@attrs.frozen(kw_only=True)
class EvaluationContext:
    """What an evaluation may need beyond the source attributes.

    Attributes:
        clock: returns the current time for ``Now()`` (aware; converted to UTC).
        default_domain: the tenant's default verified domain for ``DefaultDomain()``.
        is_unique: for ``SelectUniqueValue``: returns True when a candidate is not yet
            taken in the target directory. None treats every candidate as unique.
        app_role_assignments: the user's app roles, used by ``SingleAppRoleAssignment``
            and ``AppRoleAssignmentsComplex`` when their argument is null.
        random: the random source for ``Guid`` and ``RandomString``; the default draws
            from the operating system (``secrets``). Pass ``random.Random(seed)`` in tests.
    """

    clock: Callable[[], datetime] = _utc_now
    default_domain: str | None = None
    is_unique: Callable[[str], bool] | None = None
    app_role_assignments: tuple[AppRoleAssignment, ...] = attrs.field(default=(), converter=tuple)
    random: Random = attrs.field(factory=secrets.SystemRandom)


DEFAULT_CONTEXT = EvaluationContext()


class CallMode(enum.Enum):
    """How an implementation receives its arguments."""

    EAGER = "eager"  # impl(*values)
    CONTEXT = "context"  # impl(context, *values)
    LAZY = "lazy"  # impl(attributes, context, *thunks); an omitted argument is None


@attrs.frozen
class Param:
    """One documented parameter.

    Attributes:
        name: the parameter name as the reference page spells it.
        required: whether it must be given (an optional one may be left empty).
    """

    name: str
    required: bool = True


@attrs.frozen(kw_only=True)
class ArgInfo:
    """What the compiler knows about one argument when binding a call.

    Attributes:
        present: False when the argument was left out or left empty.
        constant: True when the value is known at compile time.
        value: the value when ``constant``.
    """

    present: bool
    constant: bool
    value: object = None


class BindError(Exception):
    """Raised by a binder for a call that cannot work; becomes a syntax error.

    Attributes:
        argument: 0-based index of the argument at fault, or None for the call itself.
    """

    def __init__(self, message: str, argument: int | None = None) -> None:
        super().__init__(message)
        self.argument = argument


Binder: TypeAlias = Callable[[tuple[ArgInfo, ...]], Impl]

# What the lexer reads as a function name (``_lexer._NAME``).
_FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _params(value: Sequence[Param | str]) -> tuple[Param, ...]:
    """Accept ``"Name"`` for a required parameter, as a plug-in author writes it."""
    return tuple(p if isinstance(p, Param) else Param(p) for p in value)


def _valid_name(_instance: object, _attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not _FUNCTION_NAME.fullmatch(value):
        raise ValueError(f"a function name is letters, digits and _ (not first), got {value!r}")


@attrs.frozen(kw_only=True)
class FunctionSpec:
    """One row of the function table.

    A plug-in function is one row too, e.g.
    ``FunctionSpec(name="Initials", params=("String",), impl=initials, summary="...")``:
    the compiler checks the argument count against ``params`` and hands ``impl`` plain
    values (null is ``None``, multi-valued attributes are lists). An implementation that
    raises ``ValueError``/``TypeError``/``LookupError``/``ArithmeticError`` on bad input
    gives an :class:`~ldapconnector.errors.ExpressionEvaluationError` naming the function.

    Attributes:
        name: the canonical name (letters, digits and ``_``); calls match it ignoring case.
        params: the parameters in order (a plain string is a required parameter).
        impl: the implementation (see :class:`CallMode` for its signature).
        summary: one sentence for the reference.
        mode: how ``impl`` is called.
        repeat: how many trailing parameters repeat as a group (Join: 1, Switch: 2).
        pure: True when the function is deterministic: equal inputs always give equal
            results, so a call on constants is folded at compile time. Set it False for
            anything that reads a clock, randomness or outside state.
        top_level_only: the call must be the whole expression.
        binder: optional compile-time specializer returning the implementation to use.
    """

    name: str = attrs.field(validator=_valid_name)
    params: tuple[Param, ...] = attrs.field(converter=_params)
    impl: Impl
    summary: str = ""
    mode: CallMode = CallMode.EAGER
    repeat: int = 0
    pure: bool = True
    top_level_only: bool = False
    binder: Binder | None = None

    @property
    def min_args(self) -> int:
        """The fewest arguments a call may have."""
        required = [i for i, p in enumerate(self.params) if p.required]
        return required[-1] + 1 if required else 0

    @property
    def max_args(self) -> int | None:
        """The most arguments a call may have (None: no limit)."""
        return None if self.repeat else len(self.params)

    def signature(self) -> str:
        """Return the documented signature, e.g. ``Word(String, WordNumber, Delimiters)``."""
        names = [p.name if p.required else f"[{p.name}]" for p in self.params]
        if self.repeat:
            names.append("...")
        return f"{self.name}({', '.join(names)})"

    def param_name(self, index: int) -> str:
        """Return the name of the parameter at ``index`` (repeating groups wrap around)."""
        count = len(self.params)
        if index < count or not self.repeat:
            return self.params[min(index, count - 1)].name
        group = self.params[count - self.repeat :]
        return group[(index - count) % self.repeat].name

    def is_required(self, index: int) -> bool:
        """Whether the argument at ``index`` may not be left empty."""
        count = len(self.params)
        if index < count:
            return self.params[index].required
        group = self.params[count - self.repeat :]
        return group[(index - count) % self.repeat].required

    def arity_problem(self, count: int) -> str | None:
        """Return why ``count`` arguments do not fit, or None when they do."""
        if count < self.min_args:
            return f"{self.signature()} needs at least {self.min_args} argument(s), got {count}"
        if self.max_args is not None and count > self.max_args:
            return f"{self.signature()} takes at most {self.max_args} argument(s), got {count}"
        if self.repeat and count > len(self.params) and (count - len(self.params)) % self.repeat:
            group = ", ".join(p.name for p in self.params[-self.repeat :])
            return f"{self.signature()}: ({group}) must come in complete groups, got {count}"
        return None


def lookup_table(*groups: Iterable[FunctionSpec]) -> dict[str, FunctionSpec]:
    """Index the function rows by lower-cased name (lookups ignore case, as VBA does).

    Raises:
        ValueError: two rows have the same name (ignoring case).
    """
    table: dict[str, FunctionSpec] = {}
    for group in groups:
        for spec in group:
            key = spec.name.lower()
            if key in table:
                raise ValueError(f"function {spec.name} is defined twice")
            table[key] = spec
    return table


def _frozen_table(specs: Iterable[FunctionSpec]) -> Mapping[str, FunctionSpec]:
    return MappingProxyType(lookup_table(specs))


# eq=False: a registry hashes by identity, so compiled expressions can be cached per
# registry without hashing 45 rows on every look-up.
@attrs.frozen(eq=False)
class FunctionRegistry:
    """An immutable set of expression functions, looked up ignoring case.

    ``compile_expression(text, functions=registry)`` binds calls against it; the default
    is :func:`~ldapconnector.expressions.default_functions` (the built-in functions).
    Adding a function makes a new registry; no registry is ever changed, so nothing a
    plug-in does reaches a caller that did not ask for it::

        functions = default_functions().with_function(
            FunctionSpec(name="Initials", params=("String",), impl=initials)
        )

    Args:
        specs: the rows; two with the same name (ignoring case) are refused.

    Raises:
        ValueError: two rows share a name.
    """

    _table: Mapping[str, FunctionSpec] = attrs.field(converter=_frozen_table, alias="specs")

    def get(self, name: str) -> FunctionSpec | None:
        """The function called ``name`` (any case), or None."""
        return self._table.get(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._table

    def __iter__(self) -> Iterator[FunctionSpec]:
        return iter(self._table.values())

    def __len__(self) -> int:
        return len(self._table)

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical names, sorted."""
        return tuple(sorted(spec.name for spec in self._table.values()))

    def suggest(self, name: str) -> str | None:
        """The registered name closest to a misspelt ``name``, or None."""
        close = difflib.get_close_matches(name, self.names, n=1, cutoff=0.6)
        return close[0] if close else None

    def with_function(self, spec: FunctionSpec, *, replace: bool = False) -> FunctionRegistry:
        """A new registry holding these functions and ``spec``.

        Args:
            spec: the function to add.
            replace: allow ``spec`` to replace a function of the same name; without it a
                clash is an error, so a plug-in cannot silently shadow a built-in.

        Raises:
            ValueError: a function of that name exists and ``replace`` is False.
        """
        key = spec.name.lower()
        if key in self._table and not replace:
            raise ValueError(
                f"function {self._table[key].name} is already registered; "
                "pass replace=True to replace it"
            )
        rows = [s for k, s in self._table.items() if k != key]
        return FunctionRegistry([*rows, spec])

    def with_functions(
        self, specs: Iterable[FunctionSpec], *, replace: bool = False
    ) -> FunctionRegistry:
        """A new registry with every one of ``specs`` added (see :meth:`with_function`)."""
        registry = self
        for spec in specs:
            registry = registry.with_function(spec, replace=replace)
        return registry

    def without(self, name: str) -> FunctionRegistry:
        """A new registry without the function ``name`` (any case); absent is fine."""
        return FunctionRegistry([s for k, s in self._table.items() if k != name.lower()])
