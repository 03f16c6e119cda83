"""Show a source value in a message: quoted, escaped, and never longer than a line.

A failure message quotes the value at fault so the operator can find it, but a 100 KB
value quoted whole (twice: once in the DN, once in the attribute) buries the reason. The
value is shown as a Python literal, so a NUL byte, a lone surrogate or a tab is visible as
``\\x00``, ``\\udcff`` or ``\\t`` (and the message can always be encoded and printed),
cut after its first :data:`SHOWN_CHARACTERS` characters with a marker giving its length.
"""

from __future__ import annotations

__all__ = ["SHOWN_CHARACTERS", "shown_value"]

SHOWN_CHARACTERS = 80
"""How many characters of a long value a message shows."""


def shown_value(value: object, *, limit: int = SHOWN_CHARACTERS) -> str:
    """The value as a message quotes it: ``repr`` of text, cut at ``limit`` characters.

    Text and bytes are quoted as literals (escapes make control characters and
    undecodable data visible); a longer value keeps its first ``limit`` characters and
    says how long it was. Other values are shown by their ``repr``, cut the same way.

    >>> shown_value("bsimon@contoso.lab")
    "'bsimon@contoso.lab'"
    >>> shown_value("x" * 1000, limit=3)
    "'xxx'… (1000 characters)"
    >>> shown_value("a\\x00b")
    "'a\\\\x00b'"
    """
    if isinstance(value, str | bytes | bytearray):
        if len(value) <= limit:
            return repr(value)
        unit = "characters" if isinstance(value, str) else "bytes"
        return f"{value[:limit]!r}… ({len(value)} {unit})"
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"
