"""The parsed form of an expression: frozen, typed nodes carrying their source spans."""

from __future__ import annotations

import enum
from typing import TypeAlias

import attrs


class ComparisonOperator(enum.Enum):
    """The comparison operators allowed inside arguments (IIF conditions, CBool)."""

    EQUAL = "="
    NOT_EQUAL = "<>"
    LESS = "<"
    LESS_OR_EQUAL = "<="
    GREATER = ">"
    GREATER_OR_EQUAL = ">="


class CompareMethod(enum.Enum):
    """VB's comparison constants, written bare in expressions (InStr's compareType)."""

    vbBinaryCompare = 0  # noqa: N815 - the spelling users write
    vbTextCompare = 1  # noqa: N815 - the spelling users write


@attrs.frozen
class Literal:
    """A string, number or hex constant.

    Attributes:
        value: the decoded value (str, int or float).
        start: offset of the first character in the source.
        end: offset one past the last character.
    """

    value: str | int | float
    start: int
    end: int


@attrs.frozen
class Constant:
    """A bare named constant such as ``vbTextCompare``.

    Attributes:
        value: the constant.
        start: offset of the first character in the source.
        end: offset one past the last character.
    """

    value: CompareMethod
    start: int
    end: int


@attrs.frozen
class AttributeRef:
    """An ``[attribute]`` reference; evaluates to the attribute's value or null.

    Attributes:
        name: the attribute name between the brackets.
        start: offset of the ``[`` in the source.
        end: offset one past the ``]``.
    """

    name: str
    start: int
    end: int


@attrs.frozen
class Omitted:
    """An argument left empty, as in ``Replace([x], , "re", , "", , )``.

    Attributes:
        start: offset where the argument would have been.
        end: same as ``start``.
    """

    start: int
    end: int


@attrs.frozen
class Comparison:
    """``left <op> right``, allowed as an argument (IIF's condition, CBool's argument).

    Attributes:
        operator: the comparison operator.
        left: the left operand.
        right: the right operand.
        start: offset of the left operand.
        end: offset one past the right operand.
    """

    operator: ComparisonOperator
    left: Node
    right: Node
    start: int
    end: int


@attrs.frozen
class Call:
    """A function call.

    Attributes:
        name: the function name as written (the compiler matches it ignoring case).
        args: the arguments in order; left-out ones are :class:`Omitted`.
        start: offset of the function name.
        end: offset one past the closing parenthesis.
    """

    name: str
    args: tuple[Node, ...]
    start: int
    end: int


Node: TypeAlias = Literal | Constant | AttributeRef | Omitted | Comparison | Call
"""Any node of the tree."""


def children(node: Node) -> tuple[Node, ...]:
    """Return the direct sub-nodes of ``node`` in source order."""
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Comparison):
        return (node.left, node.right)
    return ()


def describe(node: Node) -> str:
    """Return a one-line label for ``node`` (used by ``--explain``)."""
    if isinstance(node, Call):
        return f"{node.name}()"
    if isinstance(node, AttributeRef):
        return f"[{node.name}]"
    if isinstance(node, Literal):
        if isinstance(node.value, str):
            escaped = node.value.replace("\\", "\\\\").replace('"', '\\"')
            return f'"{escaped}"'
        return repr(node.value)
    if isinstance(node, Constant):
        return node.value.name
    if isinstance(node, Comparison):
        return node.operator.value
    return "(omitted)"
