"""Date functions: CDate, DateAdd, DateDiff, DateFromNum, NumFromDate, Now, FormatDateTime.

Dates are timezone-aware UTC datetimes; flowed as text they read ``M/d/yyyy h:mm:ss tt``.
DateAdd and DateDiff follow VB.NET's ``DateAndTime`` (DateDiff counts calendar
boundaries for months, years and weeks: ``ww`` counts Sundays crossed).
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, datetime, timedelta

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

from ldapconnector.expressions._dotnet_format import FormatError, format_datetime, parse_datetime
from ldapconnector.expressions._registry import (
    CallMode,
    EvaluationContext,
    FunctionSpec,
    Param,
)
from ldapconnector.expressions._values import fail, number, single, text, text_or_empty

_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
_DATE_WITH_OFFSET = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})$")
_INVARIANT_FORMATS = (
    "M/d/yyyy h:mm:ss tt",
    "M/d/yyyy H:mm:ss",
    "M/d/yyyy h:mm tt",
    "M/d/yyyy H:mm",
    "M/d/yyyy",
    "yyyyMMddHHmmss.FFFFFFFK",
)


class DateInterval(enum.Enum):
    """The interval strings of DateAdd and DateDiff (VB ``DateInterval``)."""

    YEAR = "yyyy"
    QUARTER = "q"
    MONTH = "m"
    DAY_OF_YEAR = "y"
    DAY = "d"
    WEEKDAY = "w"
    WEEK_OF_YEAR = "ww"
    HOUR = "h"
    MINUTE = "n"
    SECOND = "s"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_date(value: str, function: str) -> datetime:
    """Parse a date string the way CDate does; the result is aware UTC."""
    raw = value.strip()
    match = _DATE_WITH_OFFSET.match(raw)
    if match:  # xs:date with an offset, e.g. Workday's 2020-03-16-07:00
        return _utc(datetime.fromisoformat(f"{raw[:10]}T00:00:00{match.group(4)}"))
    try:
        return _utc(datetime.fromisoformat(raw))
    except ValueError:
        pass
    for pattern in _INVARIANT_FORMATS:
        try:
            return _utc(parse_datetime(raw, pattern))
        except FormatError:
            continue
    if re.search(r"\d{4}", raw) and re.search(r"[^\d]", raw):
        try:
            return _utc(dateutil_parser.parse(raw, default=datetime(1900, 1, 1)))
        except (ValueError, OverflowError):
            pass
    raise fail(function, "not a date/time", value)


def to_date(value: object, function: str) -> datetime | None:
    """Coerce a datetime or a date string to an aware UTC datetime (None stays None)."""
    value = single(value, function)
    if value is None:
        return None
    if isinstance(value, datetime):
        return _utc(value)
    raw = text(value, function)
    if raw is None or not raw.strip():
        raise fail(function, "not a date/time", value)
    return parse_date(raw, function)


def _interval(value: object, function: str) -> DateInterval:
    name = text_or_empty(value, function).lower()
    for interval in DateInterval:
        if interval.value == name:
            return interval
    allowed = ", ".join(i.value for i in DateInterval)
    raise fail(function, f"interval must be one of {allowed}", value)


def _cdate(value: object) -> datetime | None:
    return to_date(value, "CDate")


def _date_add(interval: object, amount: object, moment: object) -> datetime | None:
    kind = _interval(interval, "DateAdd")
    count = number(amount, "DateAdd")
    start = to_date(moment, "DateAdd")
    if count is None or start is None:
        return None
    whole = int(count)  # VB truncates the fraction for calendar intervals
    steps: dict[DateInterval, timedelta | relativedelta] = {
        DateInterval.YEAR: relativedelta(years=whole),
        DateInterval.QUARTER: relativedelta(months=3 * whole),
        DateInterval.MONTH: relativedelta(months=whole),
        DateInterval.WEEK_OF_YEAR: timedelta(weeks=whole),
        DateInterval.HOUR: timedelta(hours=count),
        DateInterval.MINUTE: timedelta(minutes=count),
        DateInterval.SECOND: timedelta(seconds=count),
    }
    step = steps.get(kind, timedelta(days=whole))  # d, y and w add days
    try:
        return start + step
    except (OverflowError, ValueError):
        raise fail("DateAdd", "result is out of the date range", amount) from None


def _sunday(moment: datetime) -> datetime:
    return moment - timedelta(days=(moment.weekday() + 1) % 7)


def _date_diff(interval: object, first: object, second: object) -> int | None:
    kind = _interval(interval, "DateDiff")
    one = to_date(first, "DateDiff")
    two = to_date(second, "DateDiff")
    if one is None or two is None:
        return None
    span = two - one
    seconds = span.total_seconds()
    if kind is DateInterval.YEAR:
        return two.year - one.year
    if kind is DateInterval.QUARTER:
        return (two.year - one.year) * 4 + (two.month - 1) // 3 - (one.month - 1) // 3
    if kind is DateInterval.MONTH:
        return (two.year - one.year) * 12 + two.month - one.month
    if kind is DateInterval.WEEK_OF_YEAR:
        return int((_sunday(two).date() - _sunday(one).date()).days / 7)
    divisor = {
        DateInterval.WEEKDAY: 7 * 86400,
        DateInterval.HOUR: 3600,
        DateInterval.MINUTE: 60,
        DateInterval.SECOND: 1,
    }.get(kind, 86400)
    return int(seconds / divisor)  # VB's Fix: truncate toward zero


def _date_from_num(value: object) -> datetime | None:
    ticks = number(value, "DateFromNum")
    if ticks is None:
        return None
    try:
        return _FILETIME_EPOCH + timedelta(microseconds=int(ticks) // 10)
    except OverflowError:
        raise fail("DateFromNum", "FILETIME value is outside the supported dates", value) from None


def _num_from_date(value: object) -> int | None:
    moment = to_date(value, "NumFromDate")
    if moment is None:
        return None
    delta = moment - _FILETIME_EPOCH
    return (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def _now(context: EvaluationContext) -> datetime:
    return _utc(context.clock())


_STYLES = frozenset(
    name.lower()
    for name in (
        *("None", "AllowLeadingWhite", "AllowTrailingWhite", "AllowInnerWhite"),
        *("AllowWhiteSpaces", "NoCurrentDateDefault", "AdjustToUniversal", "AssumeLocal"),
        *("AssumeUniversal", "RoundtripKind"),
    )
)


def _format_date_time(
    source: object, styles: object, input_format: object, output_format: object
) -> str | None:
    value = text(source, "FormatDateTime")
    if value is None:
        return None
    for style in re.split(r"[,|]", text_or_empty(styles, "FormatDateTime")):
        name = style.strip().removeprefix("DateTimeStyles.").lower()
        if name and name not in _STYLES:
            raise fail("FormatDateTime", "unknown DateTimeStyles value", style.strip())
    pattern = text_or_empty(input_format, "FormatDateTime")
    output = text_or_empty(output_format, "FormatDateTime")
    try:
        moment = parse_datetime(value, pattern)
    except FormatError as exc:
        raise fail("FormatDateTime", str(exc), value) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)  # the service runs in UTC
    try:
        return format_datetime(moment, output)
    except FormatError as exc:
        raise fail("FormatDateTime", str(exc), output) from None


_D = Param
FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="CDate",
        params=(_D("expression"),),
        impl=_cdate,
        summary="Parse a date/time string into a UTC date.",
    ),
    FunctionSpec(
        name="DateAdd",
        params=(_D("interval"), _D("value"), _D("dateTime")),
        impl=_date_add,
        summary="Add value intervals (yyyy, q, m, d, ww, h, n, s) to a date.",
    ),
    FunctionSpec(
        name="DateDiff",
        params=(_D("interval"), _D("date1"), _D("date2")),
        impl=_date_diff,
        summary="Number of intervals from date1 to date2 (VB boundary counting).",
    ),
    FunctionSpec(
        name="DateFromNum",
        params=(_D("value"),),
        impl=_date_from_num,
        summary="AD FILETIME (100 ns ticks since 1601 UTC) to a date.",
    ),
    FunctionSpec(
        name="FormatDateTime",
        params=(_D("source"), _D("dateTimeStyles", False), _D("inputFormat"), _D("outputFormat")),
        impl=_format_date_time,
        summary="Re-format a date string using .NET custom format strings.",
    ),
    FunctionSpec(
        name="Now",
        params=(),
        impl=_now,
        mode=CallMode.CONTEXT,
        pure=False,
        summary="The current UTC date and time (from the context's clock).",
    ),
    FunctionSpec(
        name="NumFromDate",
        params=(_D("value"),),
        impl=_num_from_date,
        summary="A date (ISO 8601 string) to AD FILETIME ticks.",
    ),
)
