"""The declarative function table: names, parameters, and how each is called.

Every function is one :class:`FunctionSpec` row. The compiler checks the argument count
and the required arguments against ``params`` before anything runs, so wrong arity is a
compile error, and hands the implementation plain values (``EAGER``), the evaluation
context too (``CONTEXT``), or unevaluated argument thunks (``LAZY``: IIF, Switch, ...).
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from random import Random
from typing import TypeAlias

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


@attrs.frozen(kw_only=True)
class FunctionSpec:
    """One row of the function table.

    Attributes:
        name: the canonical name.
        params: the parameters in order.
        impl: the implementation (see :class:`CallMode` for its signature).
        summary: one sentence for the reference.
        mode: how ``impl`` is called.
        repeat: how many trailing parameters repeat as a group (Join: 1, Switch: 2).
        pure: True when equal inputs always give equal results (constant folding).
        top_level_only: the call must be the whole expression.
        binder: optional compile-time specializer returning the implementation to use.
    """

    name: str
    params: tuple[Param, ...]
    impl: Impl
    summary: str
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


def lookup_table(*groups: tuple[FunctionSpec, ...]) -> dict[str, FunctionSpec]:
    """Index the function rows by lower-cased name (lookups ignore case, as VBA does)."""
    table: dict[str, FunctionSpec] = {}
    for group in groups:
        for spec in group:
            key = spec.name.lower()
            if key in table:  # pragma: no cover - a programming error in the tables
                raise ValueError(f"function {spec.name} is defined twice")
            table[key] = spec
    return table
