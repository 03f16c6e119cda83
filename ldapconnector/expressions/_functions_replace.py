"""Replace: five modes chosen by which arguments are given, with .NET regex syntax.

Modes (the reference page's wording), chosen at compile time from the arguments present:

1. oldValue + replacementValue: replace every occurrence of oldValue in source.
2. oldValue + template: replace every occurrence of oldValue in template with source.
3. regexPattern + replacementValue: ``Regex.Replace(source, pattern, replacement)``;
   ``$1``, ``${name}``, ``$0``/``$&`` and ``$$`` work in the replacement.
4. regexPattern + regexGroupName + replacementValue: replace only what the named group
   captured, in every match.
5. regexPattern + regexGroupName + replacementAttributeName: source when it has a value,
   otherwise the named group of the pattern's first match in the replacement attribute.

.NET pattern syntax is translated: ``(?<name>...)`` and ``(?'name'...)`` become
``(?P<name>...)``, ``\\k<name>`` becomes ``(?P=name)``. Patterns run on the ``regex``
package (in its ``re``-compatible VERSION0 mode) rather than ``re``, because an
administrator's pattern can backtrack catastrophically and only ``regex`` can stop a
match: each Replace call on one value gets :data:`REGEX_TIMEOUT` seconds. ``regex`` also
understands .NET constructs ``re`` lacks (``\\p{Lu}``, variable-length lookbehind).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator

import regex

from ldapconnector.errors import ExpressionEvaluationError
from ldapconnector.expressions._registry import ArgInfo, BindError, FunctionSpec, Impl, Param
from ldapconnector.expressions._values import fail, is_null_or_empty, show, text, text_or_empty

REGEX_TIMEOUT = 0.5
"""Seconds one Replace call may spend matching its regexPattern against one value.

``regex`` counts the process's CPU time, so on a busy machine the wall-clock wait can be
longer. Ordinary patterns take microseconds on directory-sized values; half a second keeps
a whole evaluation that hits it under a second (the timeout ends the evaluation).
"""

# What compiling a hostile pattern can raise besides regex.error: the parser recurses
# once per nested group, and repeat counts past the engine's limit overflow.
_PATTERN_ERRORS = (regex.error, RecursionError, OverflowError, ValueError)

_NAMED_GROUP = re.compile(r"\\.|\(\?<(?![=!])([A-Za-z_][A-Za-z0-9_]*)>|\(\?'([A-Za-z_]\w*)'")
_BACKREF = re.compile(r"\\k<([A-Za-z_][A-Za-z0-9_]*)>")
_SUBSTITUTION = re.compile(r"\$(?:\$|&|\{([A-Za-z_][A-Za-z0-9_]*|[0-9]+)\}|([0-9]+))")

SOURCE, OLD, PATTERN, GROUP, REPLACEMENT, ATTRIBUTE, TEMPLATE = range(7)


def translate_pattern(pattern: str) -> str:
    """Rewrite .NET named-group syntax into Python's."""

    def group(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return f"(?P<{name}>" if name else match.group()

    return _BACKREF.sub(r"(?P=\1)", _NAMED_GROUP.sub(group, pattern))


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Compile a .NET-style pattern (cached).

    Raises:
        ExpressionEvaluationError: the pattern is invalid (or nests too deeply to parse).
    """
    try:
        return regex.compile(translate_pattern(pattern), regex.VERSION0)
    except _PATTERN_ERRORS as exc:
        raise ExpressionEvaluationError(
            f"invalid regexPattern: {exc}", function="Replace", value=show(pattern)
        ) from None


@contextlib.contextmanager
def _time_bound(pattern: object, value: str) -> Iterator[None]:
    """Turn ``regex``'s TimeoutError into the record's evaluation error."""
    try:
        yield
    except TimeoutError:
        shown = show(text_or_empty(pattern, "Replace"))
        raise ExpressionEvaluationError(
            f"regexPattern {shown} gave up after {REGEX_TIMEOUT:g} s on a "
            f"{len(value):,}-character value (the pattern backtracks too much; simplify it)",
            function="Replace",
            value=shown,
        ) from None


@functools.lru_cache(maxsize=512)
def _substitution(replacement: str) -> Callable[[regex.Match[str]], str]:
    pieces: list[str | int] = []  # literal text, or a group number/name marker
    names: list[str] = []
    position = 0
    for match in _SUBSTITUTION.finditer(replacement):
        pieces.append(replacement[position : match.start()])
        matched = match.group()
        if matched == "$$":
            pieces.append("$")
        else:
            ref = "0" if matched == "$&" else (match.group(1) or match.group(2))
            names.append(ref)
            pieces.append(-len(names))  # a negative index into names
        position = match.end()
    pieces.append(replacement[position:])

    def expand(found: regex.Match[str]) -> str:
        out = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            ref = names[-piece - 1]
            key: str | int = int(ref) if ref.isdigit() else ref
            try:
                out.append(found.group(key) or "")
            except IndexError:
                out.append("$" + ref if ref.isdigit() else "${" + ref + "}")
        return "".join(out)

    return expand


def _pattern(value: object) -> regex.Pattern[str]:
    return compile_pattern(text_or_empty(value, "Replace"))


def _literal(source: object, old: object, replacement: object) -> str | None:
    value = text(source, "Replace")
    if value is None:
        return None
    wanted = text_or_empty(old, "Replace")
    if not wanted:
        return value
    return value.replace(wanted, text_or_empty(replacement, "Replace"))


def _template(source: object, old: object, template: object) -> str | None:
    value = text(source, "Replace")
    if value is None:
        return None
    wanted = text_or_empty(old, "Replace")
    frame = text_or_empty(template, "Replace")
    return frame.replace(wanted, value) if wanted else frame


def _regex(source: object, pattern: object, replacement: object) -> str | None:
    value = text(source, "Replace")
    if value is None:
        return None
    expand = _substitution(text_or_empty(replacement, "Replace"))
    compiled = _pattern(pattern)
    with _time_bound(pattern, value):
        return compiled.sub(expand, value, timeout=REGEX_TIMEOUT)


def _regex_group(source: object, pattern: object, group: object, replacement: object) -> str | None:
    value = text(source, "Replace")
    if value is None:
        return None
    compiled = _pattern(pattern)
    name = _group_name(compiled, group)
    new = text_or_empty(replacement, "Replace")
    out: list[str] = []
    position = 0
    with _time_bound(pattern, value):
        for match in compiled.finditer(value, timeout=REGEX_TIMEOUT):
            start, end = match.span(name)
            if start < 0:
                continue
            out.append(value[position:start])
            out.append(new)
            position = end
    out.append(value[position:])
    return "".join(out)


def _regex_fallback(source: object, pattern: object, group: object, other: object) -> object:
    if not is_null_or_empty(source):
        return source
    value = text(other, "Replace")
    if value is None:
        return None
    compiled = _pattern(pattern)
    with _time_bound(pattern, value):
        match = compiled.search(value, timeout=REGEX_TIMEOUT)
    return None if match is None else match.group(_group_name(compiled, group))


def _group_name(compiled: regex.Pattern[str], group: object) -> str | int:
    name = text_or_empty(group, "Replace")
    if name in compiled.groupindex:
        return name
    if name.isdigit() and int(name) <= compiled.groups:
        return int(name)
    raise fail("Replace", "regexGroupName is not a group of regexPattern", name)


def _pick(function: Callable[..., object], *indexes: int) -> Impl:
    def call(*args: object) -> object:
        return function(*(args[i] if i < len(args) else None for i in indexes))

    return call


def _bind(args: tuple[ArgInfo, ...]) -> Impl:
    given = [i < len(args) and args[i].present for i in range(7)]
    pattern = args[PATTERN] if given[PATTERN] else None
    if pattern is not None and pattern.constant:
        try:
            compile_pattern(text_or_empty(pattern.value, "Replace"))
        except ExpressionEvaluationError as exc:
            raise BindError(str(exc).removeprefix("Replace: "), PATTERN) from None
    if given[PATTERN]:
        if given[GROUP] and given[ATTRIBUTE]:
            return _pick(_regex_fallback, SOURCE, PATTERN, GROUP, ATTRIBUTE)
        if given[GROUP] and given[REPLACEMENT]:
            return _pick(_regex_group, SOURCE, PATTERN, GROUP, REPLACEMENT)
        if given[REPLACEMENT] and not given[GROUP]:
            return _pick(_regex, SOURCE, PATTERN, REPLACEMENT)
    elif given[OLD]:
        if given[TEMPLATE]:
            return _pick(_template, SOURCE, OLD, TEMPLATE)
        if given[REPLACEMENT]:
            return _pick(_literal, SOURCE, OLD, REPLACEMENT)
    raise BindError(
        "Replace needs one of: oldValue + replacementValue, oldValue + template, "
        "regexPattern + replacementValue, regexPattern + regexGroupName + replacementValue, "
        "regexPattern + regexGroupName + replacementAttributeName"
    )


def _unbound(*_args: object) -> object:  # pragma: no cover - always replaced by _bind
    raise AssertionError("Replace is always bound at compile time")


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="Replace",
        params=(
            Param("source"),
            Param("oldValue", False),
            Param("regexPattern", False),
            Param("regexGroupName", False),
            Param("replacementValue", False),
            Param("replacementAttributeName", False),
            Param("template", False),
        ),
        impl=_unbound,
        binder=_bind,
        summary="Replace text literally, through a template, or with a .NET regex.",
    ),
)
