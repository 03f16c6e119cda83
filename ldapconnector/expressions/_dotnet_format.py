""".NET custom date and time format strings, both ways (invariant culture).

Reference: "Custom date and time format strings" and "Standard date and time format
strings" in the .NET documentation. A one-character format is a standard format and is
expanded to its invariant-culture pattern first.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta, timezone

_MONTHS = [
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_STANDARD = {
    "d": "MM/dd/yyyy",
    "D": "dddd, dd MMMM yyyy",
    "f": "dddd, dd MMMM yyyy HH:mm",
    "F": "dddd, dd MMMM yyyy HH:mm:ss",
    "g": "MM/dd/yyyy HH:mm",
    "G": "MM/dd/yyyy HH:mm:ss",
    "m": "MMMM dd",
    "M": "MMMM dd",
    "o": "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
    "O": "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
    "r": "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
    "R": "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
    "s": "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
    "t": "HH:mm",
    "T": "HH:mm:ss",
    "u": "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
    "y": "yyyy MMMM",
    "Y": "yyyy MMMM",
}
_SPECIFIERS = "yMdhHmsfFtzKg"


class FormatError(ValueError):
    """A format string or an input that does not match it."""


@functools.lru_cache(maxsize=256)
def tokenize(pattern: str) -> tuple[tuple[str, int | str], ...]:
    """Split a format into ``(letter, count)`` specifiers and ``("'", text)`` literals."""
    if not pattern:
        raise FormatError("empty format string")
    if len(pattern) == 1 and pattern in _STANDARD:
        pattern = _STANDARD[pattern]
    tokens: list[tuple[str, int | str]] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char in _SPECIFIERS:
            end = index
            while end < len(pattern) and pattern[end] == char:
                end += 1
            tokens.append((char, end - index))
            index = end
        elif char in "'\"":
            end = pattern.find(char, index + 1)
            if end < 0:
                raise FormatError(f"unterminated quoted text in format {pattern!r}")
            tokens.append(("'", pattern[index + 1 : end]))
            index = end + 1
        elif char in "\\%":
            if index + 1 >= len(pattern):
                raise FormatError(f"format {pattern!r} ends with {char!r}")
            nxt = pattern[index + 1]
            tokens.append(("'", nxt) if char == "\\" else (nxt, 1))
            index += 2
        else:
            tokens.append(("'", char))
            index += 1
    return tuple(tokens)


def _offset_text(moment: datetime, count: int) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    if count == 1:
        return f"{sign}{hours}"
    if count == 2:
        return f"{sign}{hours:02d}"
    return f"{sign}{hours:02d}:{mins:02d}"


def _fraction(moment: datetime, count: int, trim: bool) -> str:
    digits = f"{moment.microsecond:06d}0"[:count]
    return digits.rstrip("0") if trim else digits


def _format_one(moment: datetime, letter: str, count: int) -> str:
    if letter == "y":
        return f"{moment.year % 100:0{count}d}" if count <= 2 else f"{moment.year:0{count}d}"
    if letter == "M":
        if count >= 3:
            name = _MONTHS[moment.month - 1]
            return name[:3] if count == 3 else name
        return f"{moment.month:0{count}d}"
    if letter == "d":
        if count >= 3:
            name = _DAYS[moment.weekday()]
            return name[:3] if count == 3 else name
        return f"{moment.day:0{count}d}"
    width = min(count, 2)
    simple = {"h": moment.hour % 12 or 12, "H": moment.hour, "m": moment.minute}
    if letter in simple:
        return f"{simple[letter]:0{width}d}"
    if letter == "s":
        return f"{moment.second:0{width}d}"
    if letter in "fF":
        return _fraction(moment, min(count, 7), letter == "F")
    if letter == "t":
        half = "AM" if moment.hour < 12 else "PM"
        return half[:1] if count == 1 else half
    if letter == "z":
        return _offset_text(moment, count)
    if letter == "K":
        if moment.tzinfo is None:
            return ""
        return "Z" if moment.utcoffset() == timedelta(0) else _offset_text(moment, 3)
    return "A.D."  # g: the era


def format_datetime(moment: datetime, pattern: str) -> str:
    """Format ``moment`` with a .NET custom (or one-letter standard) format string."""
    out: list[str] = []
    for letter, count in tokenize(pattern):
        if letter == "'":
            out.append(str(count))
            continue
        piece = _format_one(moment, letter, int(count))
        if letter == "F" and not piece and out and out[-1].endswith("."):
            out[-1] = out[-1][:-1]  # .NET drops the decimal point before an empty F
        out.append(piece)
    return "".join(out)


_NAMES = "|".join(_MONTHS + [m[:3] for m in _MONTHS])
_DAY_NAMES = "|".join(_DAYS + [d[:3] for d in _DAYS])


def _regex_for(letter: str, count: int) -> str:
    if letter == "y":
        return r"(?P<y>\d{1,2})" if count <= 2 else rf"(?P<Y>\d{{{min(count, 4)},5}})"
    if letter == "M":
        return rf"(?P<M>\d{{{count},2}})" if count <= 2 else rf"(?P<MN>{_NAMES})"
    if letter == "d":
        return rf"(?P<d>\d{{{count},2}})" if count <= 2 else rf"(?:{_DAY_NAMES})"
    if letter in "hHms":
        return rf"(?P<{letter}>\d{{{min(count, 2)},2}})"
    if letter == "f":
        return rf"(?P<f>\d{{{min(count, 7)}}})"
    if letter == "F":
        return rf"(?P<f>\d{{0,{min(count, 7)}}})"
    if letter == "t":
        return r"(?P<t>[AaPp])" if count == 1 else r"(?P<t>[AaPp][Mm])"
    if letter == "z":
        return r"(?P<z>Z|[+-]\d{1,2}(?::?\d{2})?)"
    if letter == "K":
        return r"(?P<z>Z|[+-]\d{2}:?\d{2})?"
    return r"(?:A\.D\.|AD)"


@functools.lru_cache(maxsize=256)
def _parser(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    seen: set[str] = set()
    for letter, count in tokenize(pattern):
        if letter == "'":
            parts.append(re.escape(str(count)))
            continue
        piece = _regex_for(letter, int(count))
        group = re.search(r"\?P<(\w+)>", piece)
        if group and group.group(1) in seen:  # a repeated field: match, do not capture
            piece = piece.replace(group.group(0), "?:", 1)
        elif group:
            seen.add(group.group(1))
        parts.append(piece)
    return re.compile("".join(parts), re.IGNORECASE)


def _hour(fields: dict[str, str]) -> int:
    if fields.get("H") is not None:
        return int(fields["H"])
    hour = int(fields.get("h") or 0)
    half = (fields.get("t") or "").upper()
    if half.startswith("P") and hour < 12:
        return hour + 12
    if half.startswith("A") and hour == 12:
        return 0
    return hour


def _zone(raw: str | None) -> timezone | None:
    if not raw:
        return None
    if raw.upper() == "Z":
        return UTC
    sign = -1 if raw[0] == "-" else 1
    digits = raw[1:].replace(":", "")
    hours = int(digits[:-2] if len(digits) > 2 else digits)
    minutes = int(digits[-2:]) if len(digits) > 2 else 0
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _year(fields: dict[str, str]) -> int:
    if fields.get("Y"):
        return int(fields["Y"])
    if fields.get("y"):
        short = int(fields["y"])
        return 2000 + short if short < 50 else 1900 + short  # .NET TwoDigitYearMax 2049
    return 1


def parse_datetime(value: str, pattern: str) -> datetime:
    """Parse ``value`` exactly as the .NET format ``pattern`` describes.

    Returns:
        An aware datetime when the input carried an offset, otherwise a naive one.

    Raises:
        FormatError: the value does not match, or names an impossible date.
    """
    match = _parser(pattern).fullmatch(value.strip())
    if match is None:
        raise FormatError(f"{value!r} does not match the format {pattern!r}")
    fields = {k: v for k, v in match.groupdict().items() if v is not None}
    month = int(fields["M"]) if "M" in fields else 1
    if "MN" in fields:
        month = [m.lower()[: len(fields["MN"])] for m in _MONTHS].index(fields["MN"].lower()) + 1
    fraction = (fields.get("f") or "").ljust(6, "0")[:6]
    try:
        return datetime(
            _year(fields),
            month,
            int(fields.get("d", 1)),
            _hour(fields),
            int(fields.get("m", 0)),
            int(fields.get("s", 0)),
            int(fraction),
            tzinfo=_zone(fields.get("z")),
        )
    except ValueError as exc:
        raise FormatError(f"{value!r} is not a valid date: {exc}") from None
