"""Turn expression text into tokens, each carrying its span in the source."""

from __future__ import annotations

import enum
import re

import attrs

from ldapconnector.errors import ExpressionSyntaxError

MAX_LENGTH = 10_000
"""The longest expression Entra ID accepts (characters)."""


class TokenKind(enum.Enum):
    """The kinds of token the language has."""

    ATTRIBUTE = "attribute"
    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    HEX = "hex"
    NAME = "name"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    OPERATOR = "operator"
    END = "end of expression"


@attrs.frozen
class Token:
    """One token: its kind, its decoded value, and where it sits in the source.

    Attributes:
        kind: the token kind.
        value: the decoded text (string contents, attribute name, operator, digits).
        start: 0-based offset of the first character.
        end: offset one past the last character.
    """

    kind: TokenKind
    value: str
    start: int
    end: int


_WHITESPACE = re.compile(r"\s+")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_HEX = re.compile(r"&[Hh]([0-9A-Fa-f]+)")
_OPERATOR = re.compile(r"<>|<=|>=|=|<|>")
_PUNCTUATION = {"(": TokenKind.LPAREN, ")": TokenKind.RPAREN, ",": TokenKind.COMMA}
_ESCAPES = {'"': '"', "\\": "\\"}


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens, ending with one :attr:`TokenKind.END` token.

    Raises:
        ExpressionSyntaxError: text that is not a token, an unterminated string or
            attribute, an unknown escape, or an expression over 10,000 characters.
    """
    if len(source) > MAX_LENGTH:
        raise ExpressionSyntaxError(
            f"expression is {len(source):,} characters long; the limit is {MAX_LENGTH:,}",
            source=source,
            position=MAX_LENGTH,
        )
    tokens: list[Token] = []
    position = 0
    length = len(source)
    while True:
        space = _WHITESPACE.match(source, position)
        if space:
            position = space.end()
        if position >= length:
            tokens.append(Token(TokenKind.END, "", length, length))
            return tokens
        token = _next_token(source, position)
        tokens.append(token)
        position = token.end


def _next_token(source: str, position: int) -> Token:
    char = source[position]
    kind = _PUNCTUATION.get(char)
    if kind is not None:
        return Token(kind, char, position, position + 1)
    if char == '"':
        return _string(source, position)
    if char == "[":
        return _attribute(source, position)
    for pattern, kind in (
        (_NAME, TokenKind.NAME),
        (_HEX, TokenKind.HEX),
        (_OPERATOR, TokenKind.OPERATOR),
    ):
        match = pattern.match(source, position)
        if match:
            value = match.group(1) if kind is TokenKind.HEX else match.group()
            return Token(kind, value, position, match.end())
    match = _NUMBER.match(source, position)
    if match:
        kind = TokenKind.DECIMAL if match.group(1) else TokenKind.INTEGER
        if source[match.end() : match.end() + 1].isalnum():
            raise ExpressionSyntaxError("malformed number", source=source, position=match.end())
        return Token(kind, match.group(), position, match.end())
    if char == "&":
        raise ExpressionSyntaxError(
            "malformed hex literal; write it as &H followed by hex digits, e.g. &HF7",
            source=source,
            position=position,
        )
    raise ExpressionSyntaxError(f"unexpected character {char!r}", source=source, position=position)


def _string(source: str, start: int) -> Token:
    parts: list[str] = []
    position = start + 1
    while True:
        end = _find_any(source, position, '"\\')
        if end < 0:
            raise ExpressionSyntaxError(
                "unterminated string: missing closing double quote",
                source=source,
                position=start,
            )
        parts.append(source[position:end])
        if source[end] == '"':
            return Token(TokenKind.STRING, "".join(parts), start, end + 1)
        escaped = source[end + 1 : end + 2]
        if escaped not in _ESCAPES:
            raise ExpressionSyntaxError(
                'unknown escape in string: only \\" and \\\\ are allowed '
                '(write a regex \\d as "\\\\d")',
                source=source,
                position=end,
            )
        parts.append(_ESCAPES[escaped])
        position = end + 2


def _find_any(source: str, position: int, chars: str) -> int:
    found = [i for i in (source.find(c, position) for c in chars) if i >= 0]
    return min(found) if found else -1


def _attribute(source: str, start: int) -> Token:
    end = source.find("]", start + 1)
    bad = _find_any(source[: end if end >= 0 else len(source)], start + 1, '["\n\r')
    if bad >= 0:
        raise ExpressionSyntaxError(
            "attribute names cannot contain '[', '\"' or a line break (missing ']'?)",
            source=source,
            position=bad,
        )
    if end < 0:
        raise ExpressionSyntaxError(
            "unterminated attribute name: missing ']'", source=source, position=start
        )
    name = source[start + 1 : end]
    if not name.strip() or name != name.strip():
        raise ExpressionSyntaxError(
            "attribute name is empty or has surrounding spaces",
            source=source,
            position=start + 1,
        )
    return Token(TokenKind.ATTRIBUTE, name, start, end + 1)
