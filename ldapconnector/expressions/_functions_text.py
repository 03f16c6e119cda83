"""String functions: Append, Join, Word, Mid, Left, Len, case, encodings, ..."""

from __future__ import annotations

import base64
import functools
import re
import unicodedata
from collections.abc import Callable

from ldapconnector.expressions._diacritics import normalize_diacritics
from ldapconnector.expressions._nodes import CompareMethod
from ldapconnector.expressions._registry import FunctionSpec, Param
from ldapconnector.expressions._values import fail, integer, text, text_or_empty


def _append(source: object, suffix: object) -> str | None:
    if source is None and suffix is None:
        return None
    return text_or_empty(source, "Append") + text_or_empty(suffix, "Append")


def _join(separator: object, *sources: object) -> str:
    parts: list[str] = []
    for source in sources:
        if type(source) is str:
            if source:
                parts.append(source)
        elif isinstance(source, list | tuple):
            for value in source:
                part = text(value, "Join")
                if part:
                    parts.append(part)
        else:
            part = text(source, "Join")
            if part:
                parts.append(part)
    sep = separator if type(separator) is str else text_or_empty(separator, "Join")
    return sep.join(parts)


@functools.lru_cache(maxsize=256)
def _word_splitter(delimiters: str) -> Callable[[str], list[str]]:
    if len(delimiters) == 1:
        return lambda value: value.split(delimiters)
    if not delimiters:
        return lambda value: [value]
    return re.compile("[" + re.escape(delimiters) + "]").split


def _word(source: object, number: object, delimiters: object) -> str:
    value = source if type(source) is str else text(source, "Word")
    index = number if type(number) is int else integer(number, "Word")
    if not value or index is None or index < 1:
        return ""
    split = _word_splitter(
        delimiters if type(delimiters) is str else text_or_empty(delimiters, "Word")
    )
    words = split(value)
    if "" in words:
        words = [w for w in words if w]
    return words[index - 1] if index <= len(words) else ""


def _left(source: object, count: object) -> str:
    value = text_or_empty(source, "Left")
    number = integer(count, "Left")
    if number is None:
        raise fail("Left", "NumChars is null", count)
    return value if number < 0 else value[:number]


def _mid(source: object, start: object, length: object) -> str:
    value = text_or_empty(source, "Mid")
    first = integer(start, "Mid")
    size = integer(length, "Mid")
    if first is None or first < 1:
        raise fail("Mid", "start must be 1 or more (positions are 1-based)", start)
    if size is None or size < 0:
        raise fail("Mid", "length must be 0 or more", length)
    return value[first - 1 : first - 1 + size]


def _len(source: object) -> int:
    return len(text_or_empty(source, "Len"))


def _split(source: object, delimiter: object) -> list[object] | None:
    value = text(source, "Split")
    if value is None:
        return None
    if value == "":
        return []
    sep = text_or_empty(delimiter, "Split")
    return list(value.split(sep)) if sep else [value]


def _strip_spaces(source: object) -> str | None:
    value = text(source, "StripSpaces")
    return None if value is None else value.replace(" ", "")


def _normalize(source: object) -> str | None:
    value = text(source, "NormalizeDiacritics")
    return None if value is None else normalize_diacritics(value)


def _base64(source: object) -> str | None:
    value = text(source, "ConvertToBase64")
    if value is None:
        return None
    return base64.b64encode(value.encode("utf-16-le", "surrogatepass")).decode("ascii")


def _utf8_hex(source: object) -> str | None:
    value = text(source, "ConvertToUTF8Hex")
    return None if value is None else value.encode("utf-8", "surrogatepass").hex().upper()


def _cstr(value: object) -> str | None:
    return text(value, "CStr")


_CULTURE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_TURKIC = ("tr", "az")
_DOTLESS_I = "\u0131"


def _culture(culture: object, function: str) -> str:
    name = text_or_empty(culture, function)
    if name and not _CULTURE.match(name):
        raise fail(function, "culture must be an RFC 4646 name such as en-US", culture)
    return name.split("-")[0].lower()


def _map_chars(value: str, mapper: Callable[[str], str]) -> str:
    # .NET maps one UTF-16 unit to one: characters whose mapping expands (ß -> SS) stay.
    out = []
    for char in value:
        mapped = mapper(char)
        out.append(mapped if len(mapped) == 1 else char)
    return "".join(out)


def _to_lower(source: object, culture: object = None) -> str | None:
    value = text(source, "ToLower")
    language = _culture(culture, "ToLower")
    if value is None:
        return None
    if language in _TURKIC:
        value = value.replace("I", _DOTLESS_I).replace("İ", "i")
    return value.lower() if value.isascii() else _map_chars(value, str.lower)


def _to_upper(source: object, culture: object = None) -> str | None:
    value = text(source, "ToUpper")
    language = _culture(culture, "ToUpper")
    if value is None:
        return None
    if language in _TURKIC:
        value = value.replace("i", "İ").replace(_DOTLESS_I, "I")
    return value.upper() if value.isascii() else _map_chars(value, str.upper)


# .NET ToTitleCase treats these Unicode categories as word breaks.
_BREAK_CATEGORIES = frozenset(
    ("Zs", "Zl", "Zp", "Cc", "Cf", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So")
)


def _default_break(char: str) -> bool:
    return char != "'" and unicodedata.category(char) in _BREAK_CATEGORIES


def _pcase(source: object, separators: object = None) -> str | None:
    value = text(source, "PCase")
    if value is None:
        return None
    chosen = text(separators, "PCase")
    is_break: Callable[[str], bool] = _default_break if chosen is None else chosen.__contains__
    out: list[str] = []
    at_start = True
    for char in value:
        if is_break(char):
            out.append(char)
            at_start = True
            continue
        mapped = char.title() if at_start else char.lower()
        out.append(mapped if len(mapped) == 1 else char)
        at_start = False
    return "".join(out)


def _compare_method(value: object) -> CompareMethod:
    if value is None or isinstance(value, CompareMethod):
        return value or CompareMethod.vbBinaryCompare
    name = text_or_empty(value, "InStr")
    for method in CompareMethod:
        if name.lower() in (method.name.lower(), str(method.value)):
            return method
    raise fail("InStr", "compareType must be vbBinaryCompare or vbTextCompare", value)


def _instr(haystack: object, needle: object, start: object = None, compare: object = None) -> int:
    value = text_or_empty(haystack, "InStr")
    wanted = text_or_empty(needle, "InStr")
    first = 1 if start is None else integer(start, "InStr")
    if first is None or first < 1:
        raise fail("InStr", "start must be 1 or more (positions are 1-based)", start)
    if _compare_method(compare) is CompareMethod.vbTextCompare:
        value, wanted = value.casefold(), wanted.casefold()
    if first > len(value) + (1 if not wanted else 0):
        return 0
    return value.find(wanted, first - 1) + 1


_S = Param
FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="Append",
        params=(_S("source"), _S("suffix")),
        impl=_append,
        summary="Concatenate source and suffix.",
    ),
    FunctionSpec(
        name="ConvertToBase64",
        params=(_S("source"),),
        impl=_base64,
        summary="Base64 of the UTF-16LE (.NET Unicode) bytes of the string.",
    ),
    FunctionSpec(
        name="ConvertToUTF8Hex",
        params=(_S("source"),),
        impl=_utf8_hex,
        summary="Upper-case hex of the UTF-8 bytes of the string.",
    ),
    FunctionSpec(
        name="CStr",
        params=(_S("value"),),
        impl=_cstr,
        summary="The value as a string (numbers, booleans as True/False, dates).",
    ),
    FunctionSpec(
        name="InStr",
        params=(_S("value1"), _S("value2"), _S("start", False), _S("compareType", False)),
        impl=_instr,
        summary="1-based position of value2 in value1, 0 when absent.",
    ),
    FunctionSpec(
        name="Join",
        params=(_S("separator"), _S("source")),
        impl=_join,
        repeat=1,
        summary="Join the sources (multi-valued ones expanded, empty ones skipped).",
    ),
    FunctionSpec(
        name="Left",
        params=(_S("String"), _S("NumChars")),
        impl=_left,
        summary="The first NumChars characters; the whole string when NumChars < 0.",
    ),
    FunctionSpec(
        name="Len", params=(_S("String"),), impl=_len, summary="Length; 0 for null or ''."
    ),
    FunctionSpec(
        name="Mid",
        params=(_S("source"), _S("start"), _S("length")),
        impl=_mid,
        summary="Substring from 1-based start, truncated at the end of the string.",
    ),
    FunctionSpec(
        name="NormalizeDiacritics",
        params=(_S("source"),),
        impl=_normalize,
        summary="Replace accented characters using the reference table.",
    ),
    FunctionSpec(
        name="PCase",
        params=(_S("source"), _S("wordSeparators", False)),
        impl=_pcase,
        summary="First letter of each word upper case, the rest lower case.",
    ),
    FunctionSpec(
        name="Split",
        params=(_S("source"), _S("delimiter")),
        impl=_split,
        summary="Split a string into a multi-valued list.",
    ),
    FunctionSpec(
        name="StripSpaces",
        params=(_S("source"),),
        impl=_strip_spaces,
        summary='Remove every space (" ") character.',
    ),
    FunctionSpec(
        name="ToLower",
        params=(_S("source"), _S("culture", False)),
        impl=_to_lower,
        summary="Lower case (invariant culture unless one is given).",
    ),
    FunctionSpec(
        name="ToUpper",
        params=(_S("source"), _S("culture", False)),
        impl=_to_upper,
        summary="Upper case (invariant culture unless one is given).",
    ),
    FunctionSpec(
        name="Word",
        params=(_S("String"), _S("WordNumber"), _S("Delimiters")),
        impl=_word,
        summary="The 1-based WordNumber-th word; every Delimiters character splits.",
    ),
)
