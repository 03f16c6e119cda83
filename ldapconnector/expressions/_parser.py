"""Recursive-descent parser from tokens to nodes.

Grammar (whitespace and newlines may appear between any two tokens)::

    expression := argument END
    argument   := operand [OPERATOR operand]          # one comparison at most
    operand    := STRING | INTEGER | DECIMAL | HEX | ATTRIBUTE
                | NAME "(" [slot ("," slot)*] ")"      # a function call
                | NAME                                 # vbTextCompare / vbBinaryCompare
    slot       := [argument]                           # empty = omitted argument
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ldapconnector.errors import ExpressionSyntaxError
from ldapconnector.expressions._lexer import Token, TokenKind, tokenize
from ldapconnector.expressions._nodes import (
    AttributeRef,
    Call,
    CompareMethod,
    Comparison,
    ComparisonOperator,
    Constant,
    Literal,
    Node,
    Omitted,
)

MAX_DEPTH = 64
"""How deeply calls may nest; deeper input is refused with a clear error."""

_CONSTANTS = {c.name.lower(): c for c in CompareMethod}

INTEGER_RANGE = range(-(2**63), 2**63)
"""Integer literals are 64-bit signed, like .NET's ``long``."""

HEX_DIGITS = 16
"""A VB hex literal holds at most 64 bits (leading zeros aside)."""


def _integer(digits: str) -> int:
    # Count digits before calling int(): past 4,300 digits int() itself raises ValueError.
    if len(digits.lstrip("-").lstrip("0")) > 19 or int(digits) not in INTEGER_RANGE:
        raise ValueError(
            f"integer literal is outside the 64-bit range "
            f"{INTEGER_RANGE.start} to {INTEGER_RANGE.stop - 1}"
        )
    return int(digits)


def _hex(digits: str) -> int:
    if len(digits.lstrip("0")) > HEX_DIGITS:
        raise ValueError(f"hex literal is wider than 64 bits (at most {HEX_DIGITS} hex digits)")
    return int(digits, 16)


def _decimal(digits: str) -> float:
    value = float(digits)
    if not math.isfinite(value):
        raise ValueError("decimal literal is too large for a double-precision number")
    return value


_LITERALS: dict[TokenKind, Callable[[str], str | int | float]] = {
    TokenKind.STRING: str,
    TokenKind.INTEGER: _integer,
    TokenKind.DECIMAL: _decimal,
    TokenKind.HEX: _hex,
}
"""How each literal token's text becomes its value; a ValueError is a syntax error."""


def parse(source: str) -> Node:
    """Parse ``source`` into a node tree.

    Raises:
        ExpressionSyntaxError: the text is not a well-formed expression.
    """
    return _Parser(source).parse()


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0

    def parse(self) -> Node:
        if self.peek().kind is TokenKind.END:
            raise self.error("empty expression", self.peek())
        node = self.argument(0)
        token = self.peek()
        if token.kind is not TokenKind.END:
            raise self.error(f"unexpected {_describe(token)} after a complete expression", token)
        return node

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def error(self, reason: str, token: Token) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(reason, source=self.source, position=token.start)

    def argument(self, depth: int) -> Node:
        left = self.operand(depth)
        if self.peek().kind is not TokenKind.OPERATOR:
            return left
        operator = ComparisonOperator(self.advance().value)
        right = self.operand(depth)
        following = self.peek()
        if following.kind is TokenKind.OPERATOR:
            raise self.error("comparisons cannot be chained; nest IIF calls instead", following)
        return Comparison(operator, left, right, left.start, right.end)

    def operand(self, depth: int) -> Node:
        token = self.advance()
        kind = token.kind
        convert = _LITERALS.get(kind)
        if convert is not None:
            try:
                return Literal(convert(token.value), token.start, token.end)
            except ValueError as exc:
                raise self.error(str(exc), token) from None
        if kind is TokenKind.ATTRIBUTE:
            return AttributeRef(token.value, token.start, token.end)
        if kind is TokenKind.NAME:
            return self.name(token, depth)
        raise self.error(f"expected a value, found {_describe(token)}", token)

    def name(self, token: Token, depth: int) -> Node:
        if self.peek().kind is TokenKind.LPAREN:
            return self.call(token, depth + 1)
        constant = _CONSTANTS.get(token.value.lower())
        if constant is not None:
            return Constant(constant, token.start, token.end)
        raise self.error(
            f"{token.value!r} is not a constant; a function call needs parentheses", token
        )

    def call(self, name: Token, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self.error(f"expression nests deeper than {MAX_DEPTH} calls", name)
        self.advance()  # "("
        args: list[Node] = []
        if self.peek().kind is TokenKind.RPAREN:
            return Call(name.value, (), name.start, self.advance().end)
        while True:
            token = self.peek()
            if token.kind in (TokenKind.COMMA, TokenKind.RPAREN):
                args.append(Omitted(token.start, token.start))
            else:
                args.append(self.argument(depth))
            token = self.advance()
            if token.kind is TokenKind.RPAREN:
                return Call(name.value, tuple(args), name.start, token.end)
            if token.kind is not TokenKind.COMMA:
                raise self.error(
                    f"expected ',' or ')' in the arguments of {name.value}, "
                    f"found {_describe(token)}",
                    token,
                )


def _describe(token: Token) -> str:
    if token.kind is TokenKind.END:
        return "the end of the expression"
    text = token.value if token.kind is not TokenKind.STRING else f'"{token.value}"'
    return f"{token.kind.value} {text!r}" if token.kind.value != text else repr(text)
