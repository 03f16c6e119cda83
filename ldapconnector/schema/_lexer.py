"""Split one RFC 4512 definition into tokens, tolerating the quoting quirks of real servers.

The grammar (RFC 4512 section 4.1) has four kinds of token: parentheses, the ``$`` list
separator, quoted strings (``qdstring``/``qdescr``) and bare words (keywords and OIDs).
Each token remembers whether whitespace came before it, so the parser can tell where a
space that RFC 4512 requires is missing (``NAME 'cn'DESC ...``).
"""

from __future__ import annotations

import enum
import re
from typing import NamedTuple

__all__ = ["KEYWORDS", "Token", "TokenKind", "tokenize"]


class TokenKind(enum.Enum):
    """The kinds of token of a definition."""

    LPAREN = "("
    RPAREN = ")"
    DOLLAR = "$"
    QUOTED = "quoted"
    WORD = "word"


class Token(NamedTuple):
    """One token (a named tuple: definitions have many tokens, so they must be cheap).

    Attributes:
        kind: what it is.
        text: the word, or the quoted string's content with RFC 4512 escapes undone.
        gap: whitespace came before it.
    """

    kind: TokenKind
    text: str
    gap: bool


# Every keyword of RFC 4512 section 4.1 (plus FORM of name forms, which we do not parse).
KEYWORDS = frozenset(
    {
        "NAME", "DESC", "OBSOLETE", "SUP", "ABSTRACT", "STRUCTURAL", "AUXILIARY", "MUST",
        "MAY", "EQUALITY", "ORDERING", "SUBSTR", "SYNTAX", "SINGLE-VALUE", "COLLECTIVE",
        "NO-USER-MODIFICATION", "USAGE", "APPLIES", "AUX", "NOT", "FORM",
    }
)  # fmt: skip

_WORD = re.compile(r"[^\s()'$]+")
_KEYWORD_AHEAD = re.compile(
    r"(?:" + "|".join(sorted(KEYWORDS, key=len, reverse=True)) + r"|X-[A-Za-z0-9_-]+)"
    r"(?![A-Za-z0-9_-])"
)
# RFC 4512 section 4.1: in a qdstring, a quote is written \27 and a backslash \5C.
_ESCAPE = re.compile(r"\\(27|5[cC])")
_SPECIALS = {"(": TokenKind.LPAREN, ")": TokenKind.RPAREN, "$": TokenKind.DOLLAR}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: "'" if m.group(1) == "27" else "\\", text)


def _closes_string(text: str, index: int) -> bool:
    """Whether the quote at ``index`` ends a quoted string rather than sitting inside it."""
    following = text[index + 1 : index + 2]
    if not following or following.isspace() or following in "()$'":
        return True
    # 'value'DESC ...: a missing space, not a quote inside the string.
    return _KEYWORD_AHEAD.match(text, index + 1) is not None


def _scan_quoted(text: str, start: int) -> tuple[str, int, str | None]:
    """Read a quoted string whose opening quote is at ``start - 1``.

    Returns:
        The content, the index just past the closing quote, and a note when the quoting was
        odd (a quote inside the string, or no closing quote at all).
    """
    end = text.find("'", start)
    note = None
    while end != -1 and not _closes_string(text, end):
        note = "a quote inside a quoted string was taken as part of the text"
        end = text.find("'", end + 1)
    if end == -1:
        # Unterminated: the string runs to the definition's closing parenthesis.
        stop = text.rstrip().rfind(")")
        stop = len(text) if stop < start else stop
        return text[start:stop].rstrip(), stop, "a quoted string has no closing quote"
    return text[start:end], end + 1, note


def tokenize(text: str) -> tuple[list[Token], list[str]]:
    """Split a definition into tokens.

    Args:
        text: one value of a subschema attribute such as ``objectClasses``.

    Returns:
        The tokens, and notes about odd quoting (one sentence each) for the parser to turn
        into warnings.
    """
    tokens: list[Token] = []
    notes: list[str] = []
    index, length, gap = 0, len(text), True
    while index < length:
        char = text[index]
        if char.isspace():
            gap, index = True, index + 1
            continue
        if char in _SPECIALS:
            tokens.append(Token(kind=_SPECIALS[char], text=char, gap=gap))
            index += 1
        elif char == "'":
            content, index, note = _scan_quoted(text, index + 1)
            tokens.append(Token(kind=TokenKind.QUOTED, text=_unescape(content), gap=gap))
            if note is not None:
                notes.append(note)
        else:
            match = _WORD.match(text, index)  # any other character starts a word
            end = match.end() if match is not None else index + 1
            tokens.append(Token(kind=TokenKind.WORD, text=text[index:end], gap=gap))
            index = end
        gap = False
    return tokens, notes
